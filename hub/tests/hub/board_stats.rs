//! The console's terminals board and statistics on both backends: terminals worst first with their
//! problems and since when they are offline; ratings (好差评) per item and per terminal; applications
//! per day over a 30-day window, by the kiosk's local date of submission.

use chrono::{Duration, NaiveDate, Utc};
use kiosk_hub::store::{StatsBy, OFFLINE_AFTER};
use serde_json::{json, Value};

use crate::common::{heartbeat, senior_card_renewal, Hub};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Submits an application of `item` from `terminal` at `submitted_at`; returns its slip token.
async fn submit(hub: &Hub, token: &str, terminal: &str, item: (&str, &str), submitted_at: &str) -> Value {
    let mut body = senior_card_renewal(terminal);
    body["item_code"] = json!(item.0);
    body["item_name"] = json!(item.1);
    body["submitted_at"] = json!(submitted_at);
    let response = hub.submit(token, &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    body["token"].clone()
}

async fn rate(hub: &Hub, token: &str, terminal: &str, slip: &Value, score: i64, rated_at: &str) {
    let rating = json!({"token": slip, "terminal_id": terminal, "score": score, "reasons": [], "rated_at": rated_at});
    assert_eq!(hub.post("/api/v1/ratings", token, &rating).await.status(), 201);
}

const SENIOR: (&str, &str) = ("LL0001", "老年人优待证办理（年审）");
const BENEFIT: (&str, &str) = ("MZ0002", "高龄津贴申领");

hub_test! {
    async fn ratings_and_applications_per_day_are_counted_per_item_and_per_terminal_within_the_window() {
        let hub = Hub::start().await;
        let t1 = kiosk_hub::cli::terminals_add(&hub.store, "SF-QST-01", Some("七星社区服务中心 1号机")).unwrap();
        let t2 = kiosk_hub::cli::terminals_add(&hub.store, "SF-QST-02", Some("七星社区服务中心 2号机")).unwrap();
        let a = submit(&hub, &t1, "SF-QST-01", SENIOR, "2026-11-22T09:41:00+08:00").await;
        let b = submit(&hub, &t1, "SF-QST-01", SENIOR, "2026-11-22T23:59:59+08:00").await;
        submit(&hub, &t1, "SF-QST-01", BENEFIT, "2026-10-24T00:00:00+08:00").await; // the window's first day
        let c = submit(&hub, &t2, "SF-QST-02", SENIOR, "2026-11-21T10:00:00+08:00").await;
        let d = submit(&hub, &t2, "SF-QST-02", BENEFIT, "2026-11-22T08:00:00+08:00").await;
        submit(&hub, &t2, "SF-QST-02", BENEFIT, "2026-10-23T23:59:59+08:00").await; // the day before it
        submit(&hub, &t2, "SF-QST-02", SENIOR, "2026-11-23T00:00:00+08:00").await; // the day after it
        rate(&hub, &t1, "SF-QST-01", &a, 5, "2026-11-22T09:43:00+08:00").await;
        rate(&hub, &t1, "SF-QST-01", &b, 4, "2026-11-22T23:59:59+08:00").await;
        rate(&hub, &t2, "SF-QST-02", &c, 2, "2026-11-21T10:02:00+08:00").await;
        rate(&hub, &t2, "SF-QST-02", &d, 1, "2026-11-23T08:00:00+08:00").await; // after the window
        let last = day("2026-11-22");

        let by_item = hub.store.rating_distribution(StatsBy::Item, last, 30).unwrap();
        assert_eq!(by_item.len(), 1, "{by_item:?}");
        assert_eq!((by_item[0].group.as_str(), by_item[0].label.as_str()), SENIOR);
        assert_eq!(by_item[0].counts, [0, 1, 0, 1, 1]);
        assert_eq!(by_item[0].mean(), Some(11.0 / 3.0));
        let by_terminal = hub.store.rating_distribution(StatsBy::Terminal, last, 30).unwrap();
        let found: Vec<_> = by_terminal.iter().map(|d| (d.group.as_str(), d.label.as_str(), d.counts)).collect();
        assert_eq!(
            found,
            [("SF-QST-01", "七星社区服务中心 1号机", [0, 0, 0, 1, 1]), ("SF-QST-02", "七星社区服务中心 2号机", [0, 1, 0, 0, 0])]
        );
        // A day later the 1-star rating is in the window too.
        let next_day = hub.store.rating_distribution(StatsBy::Item, day("2026-11-23"), 30).unwrap();
        let benefit = next_day.iter().find(|d| d.group == BENEFIT.0).expect("the benefit's rating");
        assert_eq!(benefit.counts, [1, 0, 0, 0, 0]);

        let volume = hub.store.daily_volume(StatsBy::Terminal, last, 30).unwrap();
        assert_eq!(volume.days.len(), 30);
        assert_eq!((volume.days[0], volume.days[29]), (day("2026-10-24"), last));
        let t1_row = &volume.rows[0];
        assert_eq!((t1_row.group.as_str(), t1_row.label.as_str()), ("SF-QST-01", "七星社区服务中心 1号机"));
        assert_eq!((t1_row.counts[0], t1_row.counts[29], t1_row.total()), (1, 2, 3));
        let t2_row = &volume.rows[1];
        assert_eq!((t2_row.group.as_str(), t2_row.counts[28], t2_row.counts[29], t2_row.total()), ("SF-QST-02", 1, 1, 2));
        let per_day = volume.per_day();
        assert_eq!((per_day[0], per_day[28], per_day[29], per_day.iter().sum::<i64>()), (1, 1, 3, 5));

        let volume = hub.store.daily_volume(StatsBy::Item, last, 30).unwrap();
        let found: Vec<_> = volume.rows.iter().map(|r| (r.group.as_str(), r.label.as_str(), r.total())).collect();
        assert_eq!(found, [(SENIOR.0, SENIOR.1, 3), (BENEFIT.0, BENEFIT.1, 2)], "the busiest item first");
        // A window of one day.
        let one = hub.store.daily_volume(StatsBy::Item, last, 1).unwrap();
        assert_eq!((one.days.clone(), one.per_day()), (vec![last], vec![3]));
    }
}

hub_test! {
    async fn the_board_lists_terminals_worst_first_with_their_problems_and_since_when_they_are_offline() {
        let hub = Hub::start().await;
        let mut tokens = Vec::new();
        for (id, name) in [("SF-A", "甲社区 1号机"), ("SF-B", "乙社区 1号机"), ("SF-C", "丙社区 1号机"), ("SF-D", "丁社区 1号机")] {
            tokens.push(kiosk_hub::cli::terminals_add(&hub.store, id, Some(name)).unwrap());
        }
        let post = |i: usize, body: Value| {
            let (hub, token) = (&hub, tokens[i].clone());
            let id = ["SF-A", "SF-B", "SF-C", "SF-D"][i];
            async move {
                let response = hub.post(&format!("/api/v1/terminals/{id}/heartbeat"), &token, &body).await;
                assert!(response.status().is_success(), "{}", response.status());
            }
        };
        post(0, heartbeat()).await;
        let mut paper_out = heartbeat();
        paper_out["printer"]["paper"] = json!("out");
        paper_out["outbox_depth"] = json!(3);
        post(1, paper_out).await;
        post(3, heartbeat()).await;
        kiosk_hub::cli::terminals_revoke(&hub.store, "SF-D").unwrap();

        let board = hub.store.terminal_board(Utc::now(), OFFLINE_AFTER).unwrap();
        let found: Vec<_> = board.iter().map(|e| (e.terminal.id.as_str(), e.problems.clone())).collect();
        assert_eq!(
            found,
            [
                ("SF-C", vec!["never_seen"]),
                ("SF-B", vec!["paper_out", "outbox_backlog"]),
                ("SF-A", vec![]),
                ("SF-D", vec![]),
            ],
            "never seen, then what stops residents, then the healthy, the revoked last"
        );
        assert!(board.iter().all(|e| e.offline_since.is_none()));
        assert_eq!(board[1].terminal.name.as_deref(), Some("乙社区 1号机"));

        // Ten minutes without a heartbeat: both are offline since their last one, still worst first.
        let later = Utc::now() + Duration::minutes(10);
        let board = hub.store.terminal_board(later, OFFLINE_AFTER).unwrap();
        let found: Vec<_> = board.iter().map(|e| (e.terminal.id.as_str(), e.problems.clone())).collect();
        assert_eq!(
            found,
            [
                ("SF-B", vec!["offline", "paper_out", "outbox_backlog"]),
                ("SF-A", vec!["offline"]),
                ("SF-C", vec!["never_seen"]),
                ("SF-D", vec![]),
            ]
        );
        let last_beat = board[1].terminal.last_heartbeat.as_ref().unwrap().received_at.clone();
        assert_eq!(board[1].offline_since.as_deref(), Some(last_beat.as_str()));
        assert!(board[0].severity > board[1].severity && board[1].severity > board[2].severity);
    }
}
