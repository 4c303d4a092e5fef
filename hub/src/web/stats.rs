//! 满意度与办件量: the rating distribution (好差评, 1 to 5) and the applications per day over the last
//! 30 days, per item or per terminal, as server-rendered SVG charts (pure functions of the numbers:
//! no script, no chart library) with the numbers in a table beside them, and the same table as CSV.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::Clerk;
use super::layout::{html_response, page_at};
use super::{non_empty, run, WebError, WebQuery};
use crate::api::AppState;
use crate::store::console::StaffSession;
use crate::store::{RatingDistribution, StatsBy, Volume};

/// The page's path.
pub const PATH: &str = "/console/stats";

/// Days in the statistics' window.
pub const WINDOW_DAYS: u32 = 30;

/// The CSV's first bytes: UTF-8's byte order mark, so that Excel reads the Chinese as UTF-8.
pub const BOM: &str = "\u{feff}";

/// A horizontal bar chart: one bar per `(label, value)`, the largest value the full width, each
/// value written after its bar. For screen readers the chart is an image named `title`, and the
/// same numbers are in the table beside it.
pub fn bar_chart(title: &str, bars: &[(String, i64)]) -> Markup {
    const LABEL_W: i64 = 64;
    const BAR_W: i64 = 240;
    const ROW_H: i64 = 24;
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(0);
    let height = ROW_H * bars.len().max(1) as i64 + 8;
    let width = LABEL_W + BAR_W + 56;
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
            viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) {
            title { (title) }
            @for (i, (label, value)) in bars.iter().enumerate() {
                @let y = 4 + ROW_H * i as i64;
                @let w = scale(*value, max, BAR_W);
                text x=(LABEL_W - 6) y=(y + 16) text-anchor="end" font-size="13" fill="#333" { (label) }
                rect x=(LABEL_W) y=(y + 3) width=(w) height=(ROW_H - 8) fill="#2f6fb0" {
                    title { (label) "：" (value) }
                }
                text x=(LABEL_W + w + 6) y=(y + 16) font-size="13" fill="#333" { (value) }
            }
        }
    }
}

/// A column chart of counts per day (the oldest left): one column per day, the largest count the full
/// height, a nonzero count written above its column; the first and last day under the axis.
pub fn day_chart(title: &str, days: &[NaiveDate], counts: &[i64]) -> Markup {
    const LEFT: i64 = 36;
    const PLOT_W: i64 = 600;
    const TOP: i64 = 18;
    const PLOT_H: i64 = 140;
    let n = days.len().min(counts.len()).max(1) as i64;
    let max = counts.iter().copied().max().unwrap_or(0).max(0);
    let column = PLOT_W / n;
    let (width, height) = (LEFT + PLOT_W + 8, TOP + PLOT_H + 24);
    let base = TOP + PLOT_H;
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
            viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) {
            title { (title) }
            line x1=(LEFT) y1=(base) x2=(LEFT + PLOT_W) y2=(base) stroke="#999" {}
            text x=(LEFT - 4) y=(TOP + 4) text-anchor="end" font-size="11" fill="#666" { (max) }
            text x=(LEFT - 4) y=(base) text-anchor="end" font-size="11" fill="#666" { "0" }
            @for (i, (day, count)) in days.iter().zip(counts).enumerate() {
                @let h = scale(*count, max, PLOT_H);
                @let x = LEFT + column * i as i64;
                rect x=(x + 1) y=(base - h) width=((column - 2).max(1)) height=(h) fill="#2f8f5b" {
                    title { (day.format("%m-%d")) "：" (count) }
                }
                @if *count > 0 {
                    text x=(x + column / 2) y=(base - h - 3) text-anchor="middle" font-size="10" fill="#333" { (count) }
                }
            }
            @if let (Some(first), Some(last)) = (days.first(), days.last()) {
                text x=(LEFT) y=(base + 16) font-size="11" fill="#666" { (first.format("%m-%d")) }
                text x=(LEFT + PLOT_W) y=(base + 16) text-anchor="end" font-size="11" fill="#666" { (last.format("%m-%d")) }
            }
        }
    }
}

/// `value` of `max` as a length of `full` (rounded; 0 when `max` is 0; a nonzero value at least 1).
fn scale(value: i64, max: i64, full: i64) -> i64 {
    if max <= 0 || value <= 0 {
        return 0;
    }
    ((value * full + max / 2) / max).clamp(1, full)
}

/// The bars of a rating distribution: `1分` … `5分`.
pub fn rating_bars(counts: &[i64; 5]) -> Vec<(String, i64)> {
    counts.iter().enumerate().map(|(i, n)| (format!("{}分", i + 1), *n)).collect()
}

/// One line of the statistics' table (and of the CSV): a group's ratings and daily applications.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    pub group: String,
    pub label: String,
    pub ratings: [i64; 5],
    /// Applications per day of the window (all zero for a group with ratings only).
    pub per_day: Vec<i64>,
}

impl StatsRow {
    pub fn rated(&self) -> i64 {
        self.ratings.iter().sum()
    }

    /// The mean score, `None` without ratings.
    pub fn mean(&self) -> Option<f64> {
        let sum: i64 = self.ratings.iter().zip(1..).map(|(n, s)| n * s).sum();
        (self.rated() > 0).then(|| sum as f64 / self.rated() as f64)
    }

    pub fn applications(&self) -> i64 {
        self.per_day.iter().sum()
    }
}

/// The table's rows: the groups of `volume` in its order (busiest first), then groups rated but with
/// no application in the window.
pub fn rows(ratings: &[RatingDistribution], volume: &Volume) -> Vec<StatsRow> {
    let mut out: Vec<StatsRow> = volume
        .rows
        .iter()
        .map(|v| StatsRow {
            group: v.group.clone(),
            label: v.label.clone(),
            ratings: ratings.iter().find(|r| r.group == v.group).map_or([0; 5], |r| r.counts),
            per_day: v.counts.clone(),
        })
        .collect();
    for r in ratings {
        if !out.iter().any(|row| row.group == r.group) {
            out.push(StatsRow {
                group: r.group.clone(),
                label: r.label.clone(),
                ratings: r.counts,
                per_day: vec![0; volume.days.len()],
            });
        }
    }
    out
}

/// The mean as shown: one decimal, `—` without ratings.
pub fn mean_text(mean: Option<f64>) -> String {
    mean.map_or_else(|| "—".to_string(), |m| format!("{m:.1}"))
}

/// The table as CSV (RFC 4180, CRLF, UTF-8 with a byte order mark): a header line, then one line per
/// row: code, name, ratings of 1 to 5, ratings, mean, applications in the window, then one column per day.
pub fn csv(group_header: &str, days: &[NaiveDate], rows: &[StatsRow]) -> String {
    let mut out = String::from(BOM);
    let mut header: Vec<String> =
        ["代码", group_header, "1分", "2分", "3分", "4分", "5分", "评价数", "平均分", "申请数"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    header.extend(days.iter().map(|d| d.to_string()));
    push_line(&mut out, &header);
    for row in rows {
        let mut fields = vec![row.group.clone(), row.label.clone()];
        fields.extend(row.ratings.iter().map(i64::to_string));
        fields.push(row.rated().to_string());
        fields.push(row.mean().map_or_else(String::new, |m| format!("{m:.2}")));
        fields.push(row.applications().to_string());
        fields.extend(row.per_day.iter().map(i64::to_string));
        push_line(&mut out, &fields);
    }
    out
}

fn push_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// One CSV field: quoted when it holds a comma, quote or line break (quotes doubled); text that a
/// spreadsheet would take for a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
pub fn csv_field(value: &str) -> String {
    let value = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if value.parse::<f64>().is_err() => format!("'{value}"),
        _ => value.to_string(),
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

// --- the page ------------------------------------------------------------------------------------

/// `?by=item|terminal&to=YYYY-MM-DD&format=csv`; blanks are the defaults (by item, up to today).
#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    by: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

/// What the page is grouped by, and the words for it.
fn grouping(by: StatsBy) -> (&'static str, &'static str) {
    match by {
        StatsBy::Item => ("item", "事项"),
        StatsBy::Terminal => ("terminal", "终端"),
    }
}

/// `GET /console/stats`: the charts and the table; `format=csv` the table as a CSV download.
pub async fn stats_page(
    State(state): State<Arc<AppState>>,
    Clerk(staff): Clerk,
    WebQuery(q): WebQuery<StatsQuery>,
) -> Result<Response, WebError> {
    let by = match non_empty(&q.by) {
        None | Some("item") => StatsBy::Item,
        Some("terminal") => StatsBy::Terminal,
        Some(_) => return Err(WebError::bad_request("分组方式不对：按事项或按终端。")),
    };
    let last = match non_empty(&q.to) {
        None => chrono::Local::now().date_naive(),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| WebError::bad_request(format!("截止日期「{d}」不是日期（应为 年-月-日，如 2026-11-22）。")))?,
    };
    let (ratings, volume) = run(&state, move |s| {
        Ok((s.rating_distribution(by, last, WINDOW_DAYS)?, s.daily_volume(by, last, WINDOW_DAYS)?))
    })
    .await?;
    let rows = rows(&ratings, &volume);
    let (key, word) = grouping(by);
    match non_empty(&q.format) {
        None | Some("html") => {
            let body = stats_body(&staff, by, last, &volume, &rows);
            Ok(html_response(StatusCode::OK, page_at("满意度与办件量", Some(&staff), PATH, body)))
        }
        Some("csv") => {
            let disposition = format!("attachment; filename=\"stats-{key}-{last}.csv\"");
            let mut response = csv(word, &volume.days, &rows).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            Ok(response)
        }
        Some(_) => Err(WebError::bad_request("导出格式不对（只有 csv）。")),
    }
}

/// The page's content: the choice of grouping and window, the district's charts, the table, and
/// each group's charts.
pub fn stats_body(_staff: &StaffSession, by: StatsBy, last: NaiveDate, volume: &Volume, rows: &[StatsRow]) -> Markup {
    let (key, word) = grouping(by);
    let first = volume.days.first().copied().unwrap_or(last);
    let mut all_ratings = [0i64; 5];
    for row in rows {
        for (total, n) in all_ratings.iter_mut().zip(row.ratings) {
            *total += n;
        }
    }
    html! {
        form.filters method="get" action=(PATH) {
            div {
                label for="stats-by" { "分组" }
                select #stats-by name="by" {
                    option value="item" selected[by == StatsBy::Item] { "按事项" }
                    option value="terminal" selected[by == StatsBy::Terminal] { "按终端" }
                }
            }
            div {
                label for="stats-to" { "截止日期" }
                input #stats-to type="date" name="to" value=(last.to_string());
            }
            div { button type="submit" { "查看" } }
            div { a.button href=(format!("{PATH}?by={key}&to={last}&format=csv")) download { "导出 CSV" } }
        }
        p.muted { "最近 " (WINDOW_DAYS) " 天：" (first) " 至 " (last) "（按终端本地的提交日期；评价按评价日期）。" }
        div.columns {
            section {
                h2 { "全区每日申请量" }
                (day_chart("全区每日申请量", &volume.days, &volume.per_day()))
            }
            section {
                h2 { "全区评价分布" }
                (bar_chart("全区评价分布", &rating_bars(&all_ratings)))
            }
        }
        h2 { "按" (word) "统计" }
        @if rows.is_empty() {
            p.muted { "这段时间没有申请，也没有评价。" }
        } @else {
            table {
                thead {
                    tr {
                        th scope="col" { "代码" }
                        th scope="col" { (word) }
                        @for s in 1..=5 { th.num scope="col" { (s) "分" } }
                        th.num scope="col" { "评价数" }
                        th.num scope="col" { "平均分" }
                        th.num scope="col" { "申请数" }
                    }
                }
                tbody {
                    @for row in rows {
                        tr {
                            td { (row.group) }
                            td { (row.label) }
                            @for n in row.ratings { td.num { (n) } }
                            td.num { (row.rated()) }
                            td.num { (mean_text(row.mean())) }
                            td.num { (row.applications()) }
                        }
                    }
                }
            }
            @for row in rows {
                section {
                    h3 { (row.label) " " span.muted { (row.group) } }
                    div.columns {
                        (day_chart(&format!("{} 每日申请量", row.label), &volume.days, &row.per_day))
                        (bar_chart(&format!("{} 评价分布", row.label), &rating_bars(&row.ratings)))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: u32) -> Vec<NaiveDate> {
        let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        first.iter_days().take(n as usize).collect()
    }

    /// The `width` of each `<rect>` in the markup, in order.
    fn attr_values(svg: &str, element: &str, attr: &str) -> Vec<i64> {
        svg.split(&format!("<{element} "))
            .skip(1)
            .map(|part| {
                let start =
                    part.find(&format!(" {attr}=\"")).unwrap_or_else(|| panic!("no {attr} in <{element} {part}"));
                let rest = &part[start + attr.len() + 3..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bars_scale_to_the_largest_value_and_their_numbers_are_written() {
        let svg = bar_chart("评分分布", &rating_bars(&[1, 0, 2, 10, 40])).into_string();
        assert_eq!(attr_values(&svg, "rect", "width"), [6, 0, 12, 60, 240]);
        for text in [">40<", ">10<", ">2<", ">1分<", ">5分<", "aria-label=\"评分分布\"", "<title>评分分布</title>"]
        {
            assert!(svg.contains(text), "{text} in {svg}");
        }
        // Doubling every value draws the same chart.
        let doubled = bar_chart("评分分布", &rating_bars(&[2, 0, 4, 20, 80])).into_string();
        assert_eq!(attr_values(&doubled, "rect", "width"), [6, 0, 12, 60, 240]);
        assert!(doubled.contains(">80<"));
    }

    #[test]
    fn a_chart_of_nothing_draws_empty_bars_without_dividing_by_zero() {
        let svg = bar_chart("评分分布", &rating_bars(&[0; 5])).into_string();
        assert_eq!(attr_values(&svg, "rect", "width"), [0; 5]);
        let svg = day_chart("每日申请", &days(30), &[0; 30]).into_string();
        assert_eq!(attr_values(&svg, "rect", "height"), [0; 30]);
    }

    #[test]
    fn day_columns_scale_to_the_busiest_day_with_its_count_and_the_dates() {
        let mut counts = vec![0; 30];
        counts[0] = 7;
        counts[14] = 14;
        counts[29] = 3;
        let svg = day_chart("每日申请", &days(30), &counts).into_string();
        let heights = attr_values(&svg, "rect", "height");
        assert_eq!(heights.len(), 30);
        assert_eq!((heights[0], heights[14], heights[29], heights[1]), (70, 140, 30, 0));
        for text in [">14<", ">7<", ">3<", ">11-01<", ">11-30<", "<title>11-15：14</title>"] {
            assert!(svg.contains(text), "{text} in {svg}");
        }
        // A column stands on the axis: its top is the axis less its height.
        let ys = attr_values(&svg, "rect", "y");
        assert_eq!(ys[14] + heights[14], ys[0] + heights[0]);
    }

    #[test]
    fn labels_are_escaped_in_the_svg() {
        let svg = bar_chart("<script>", &[("a<b".to_string(), 1)]).into_string();
        assert!(!svg.contains("<script>") && svg.contains("a&lt;b"), "{svg}");
    }

    #[test]
    fn the_csv_starts_with_a_bom_quotes_what_needs_it_and_defuses_formulas() {
        let rows = vec![
            StatsRow {
                group: "LL0001".into(),
                label: "老年人优待证, 年审".into(),
                ratings: [0, 0, 1, 0, 3],
                per_day: vec![2, 0, 5],
            },
            StatsRow {
                group: "X\"1".into(),
                label: "=HYPERLINK(\"x\")".into(),
                ratings: [0; 5],
                per_day: vec![0, 0, 0],
            },
        ];
        let text = csv("事项", &days(3), &rows);
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text[BOM.len()..].split("\r\n").collect();
        assert_eq!(lines[0], "代码,事项,1分,2分,3分,4分,5分,评价数,平均分,申请数,2026-11-01,2026-11-02,2026-11-03");
        assert_eq!(lines[1], "LL0001,\"老年人优待证, 年审\",0,0,1,0,3,4,4.50,7,2,0,5");
        assert_eq!(lines[2], "\"X\"\"1\",\"'=HYPERLINK(\"\"x\"\")\",0,0,0,0,0,0,,0,0,0,0");
        assert_eq!(lines[3], "");
        assert_eq!(csv_field("-3"), "-3", "a negative number stays a number");
    }

    #[test]
    fn rows_follow_the_volume_then_add_groups_rated_only() {
        let volume = Volume {
            days: days(2),
            rows: vec![crate::store::DailyVolume { group: "B".into(), label: "乙".into(), counts: vec![1, 2] }],
        };
        let ratings = vec![
            RatingDistribution { group: "A".into(), label: "甲".into(), counts: [1, 0, 0, 0, 0] },
            RatingDistribution { group: "B".into(), label: "乙".into(), counts: [0, 0, 0, 0, 2] },
        ];
        let rows = rows(&ratings, &volume);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].group.as_str(), rows[0].ratings, rows[0].applications()), ("B", [0, 0, 0, 0, 2], 3));
        assert_eq!((rows[1].group.as_str(), rows[1].per_day.clone(), rows[1].mean()), ("A", vec![0, 0], Some(1.0)));
        assert_eq!(mean_text(rows[0].mean()), "5.0");
        assert_eq!(mean_text(None), "—");
    }
}
