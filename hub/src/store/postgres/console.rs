//! The console's queries on PostgreSQL (see `store::console`).

use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::{client, unique_violation, PgStore};
use crate::model::Status;
use crate::store::console::{
    AccessEntry, AccessFilter, ConsoleEvent, ConsoleStorage, DetailRow, Param, QueueQuery, Role, StaffAccount,
    StaffSession, QUEUE_COLUMNS,
};
use crate::store::{parse_kind, parse_status, ApplicationRow, ApplicationSummary, StoreError};

fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Text(s) => s as &(dyn ToSql + Sync),
            Param::Int(i) => i as &(dyn ToSql + Sync),
        })
        .collect()
}

/// A row of [`QUEUE_COLUMNS`].
pub(super) fn application_row(r: &Row) -> Result<ApplicationRow, StoreError> {
    Ok(ApplicationRow {
        summary: ApplicationSummary {
            id: r.get(0),
            acceptance_no: r.get(1),
            kind: parse_kind(r.get(2))?,
            status: parse_status(r.get(3))?,
            terminal_id: r.get(4),
            idempotency_key: r.get(5),
            item_code: r.get(6),
            item_name: r.get(7),
            applicant_name: String::new(),
            submitted_at: r.get(9),
            received_at: r.get(10),
            promised_date: r.get(11),
        },
        applicant: r.get(8),
    })
}

fn role(s: &str) -> Result<Role, StoreError> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown staff role `{s}`")))
}

fn account(r: &Row) -> Result<StaffAccount, StoreError> {
    Ok(StaffAccount {
        id: r.get(0),
        username: r.get(1),
        role: role(r.get(2))?,
        created_at: r.get(3),
        disabled_at: r.get(4),
    })
}

impl ConsoleStorage for PgStore {
    fn placeholder(&self) -> fn(usize) -> String {
        |n| format!("${n}")
    }

    fn insert_staff(&self, username: &str, role: Role, password_hash: &str, at: &str) -> Result<i64, StoreError> {
        let (username, hash, at) = (username.to_string(), password_hash.to_string(), at.to_string());
        self.run(|pool| async move {
            let inserted = client(&pool)
                .await?
                .query_one(
                    "INSERT INTO staff (username, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[&username, &role.as_str(), &hash, &at],
                )
                .await;
            match inserted {
                Ok(row) => Ok(row.get(0)),
                Err(e) if unique_violation(&e) == Some("staff_username_key") => Err(StoreError::StaffExists(username)),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn list_staff(&self) -> Result<Vec<StaffAccount>, StoreError> {
        self.run(|pool| async move {
            let rows = client(&pool)
                .await?
                .query("SELECT id, username, role, created_at, disabled_at FROM staff ORDER BY username", &[])
                .await?;
            rows.iter().map(account).collect()
        })
    }

    fn staff_by_username(&self, username: &str) -> Result<Option<(StaffAccount, String)>, StoreError> {
        let username = username.to_string();
        self.run(|pool| async move {
            let row = client(&pool)
                .await?
                .query_opt(
                    "SELECT id, username, role, created_at, disabled_at, password_hash FROM staff WHERE username = $1",
                    &[&username],
                )
                .await?;
            row.map(|r| Ok((account(&r)?, r.get(5)))).transpose()
        })
    }

    fn disable_staff(&self, username: &str, at: &str) -> Result<(), StoreError> {
        let (username, at) = (username.to_string(), at.to_string());
        self.run(|pool| async move {
            let mut client = client(&pool).await?;
            let tx = client.transaction().await?;
            let Some(row) = tx
                .query_opt(
                    "UPDATE staff SET disabled_at = COALESCE(disabled_at, $2) WHERE username = $1 RETURNING id",
                    &[&username, &at],
                )
                .await?
            else {
                return Err(StoreError::NotFound(format!("staff account `{username}`")));
            };
            let id: i64 = row.get(0);
            tx.execute("DELETE FROM staff_sessions WHERE staff_id = $1", &[&id]).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn set_password(&self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        let (username, hash) = (username.to_string(), password_hash.to_string());
        self.run(|pool| async move {
            let mut client = client(&pool).await?;
            let tx = client.transaction().await?;
            let Some(row) = tx
                .query_opt("UPDATE staff SET password_hash = $2 WHERE username = $1 RETURNING id", &[&username, &hash])
                .await?
            else {
                return Err(StoreError::NotFound(format!("staff account `{username}`")));
            };
            let id: i64 = row.get(0);
            tx.execute("DELETE FROM staff_sessions WHERE staff_id = $1", &[&id]).await?;
            tx.execute("DELETE FROM login_failures WHERE username = $1", &[&username]).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn create_session(
        &self,
        id_hash: &str,
        staff_id: i64,
        csrf: &str,
        at: &str,
        expired_before: &str,
    ) -> Result<(), StoreError> {
        let (id_hash, csrf, at, expired_before) =
            (id_hash.to_string(), csrf.to_string(), at.to_string(), expired_before.to_string());
        self.run(|pool| async move {
            let client = client(&pool).await?;
            client.execute("DELETE FROM staff_sessions WHERE last_seen < $1", &[&expired_before]).await?;
            client
                .execute(
                    "INSERT INTO staff_sessions (id_hash, staff_id, csrf, created_at, last_seen)
                     VALUES ($1, $2, $3, $4, $4)",
                    &[&id_hash, &staff_id, &csrf, &at],
                )
                .await?;
            Ok(())
        })
    }

    fn touch_session(&self, id_hash: &str, idle_cutoff: &str, at: &str) -> Result<Option<StaffSession>, StoreError> {
        let (id_hash, idle_cutoff, at) = (id_hash.to_string(), idle_cutoff.to_string(), at.to_string());
        self.run(|pool| async move {
            let row = client(&pool)
                .await?
                .query_opt(
                    "UPDATE staff_sessions s SET last_seen = $3 FROM staff t
                     WHERE t.id = s.staff_id AND s.id_hash = $1 AND s.last_seen >= $2 AND t.disabled_at IS NULL
                     RETURNING s.staff_id, t.username, t.role, s.csrf",
                    &[&id_hash, &idle_cutoff, &at],
                )
                .await?;
            row.map(|r| {
                Ok(StaffSession { staff_id: r.get(0), username: r.get(1), role: role(r.get(2))?, csrf: r.get(3) })
            })
            .transpose()
        })
    }

    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let id_hash = id_hash.to_string();
        self.run(|pool| async move {
            client(&pool).await?.execute("DELETE FROM staff_sessions WHERE id_hash = $1", &[&id_hash]).await?;
            Ok(())
        })
    }

    fn record_login_failure(&self, username: &str, address: &str, at: &str) -> Result<(), StoreError> {
        let (username, address, at) = (username.to_string(), address.to_string(), at.to_string());
        self.run(|pool| async move {
            client(&pool)
                .await?
                .execute(
                    "INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3)",
                    &[&username, &address, &at],
                )
                .await?;
            Ok(())
        })
    }

    fn login_failures(
        &self,
        username: &str,
        address: &str,
        since: &str,
        limit: usize,
    ) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let (username, address, since, limit) =
            (username.to_string(), address.to_string(), since.to_string(), limit as i64);
        self.run(|pool| async move {
            let client = client(&pool).await?;
            let by_user = client
                .query(
                    "SELECT at FROM login_failures WHERE username = $1 AND at >= $2 ORDER BY at DESC LIMIT $3",
                    &[&username, &since, &limit],
                )
                .await?;
            let by_address = client
                .query(
                    "SELECT at FROM login_failures WHERE address = $1 AND at >= $2 ORDER BY at DESC LIMIT $3",
                    &[&address, &since, &limit],
                )
                .await?;
            Ok((by_user.iter().map(|r| r.get(0)).collect(), by_address.iter().map(|r| r.get(0)).collect()))
        })
    }

    fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        let username = username.to_string();
        self.run(|pool| async move {
            client(&pool).await?.execute("DELETE FROM login_failures WHERE username = $1", &[&username]).await?;
            Ok(())
        })
    }

    fn queue(&self, query: &QueueQuery) -> Result<(Vec<ApplicationRow>, u64), StoreError> {
        let order = if query.descending { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT {QUEUE_COLUMNS} FROM applications {} ORDER BY id {order} LIMIT {}",
            query.where_page(),
            query.limit
        );
        let count_sql = format!("SELECT COUNT(*) FROM applications {}", query.where_filters());
        let (params, filter_params) = (query.params.clone(), query.filter_params);
        self.run(|pool| async move {
            let client = client(&pool).await?;
            let rows = client.query(&sql, &refs(&params)).await?;
            let total: i64 = client.query_one(&count_sql, &refs(&params[..filter_params])).await?.get(0);
            Ok((rows.iter().map(application_row).collect::<Result<Vec<_>, _>>()?, total as u64))
        })
    }

    fn queue_all(&self, query: &QueueQuery) -> Result<Vec<ApplicationRow>, StoreError> {
        let sql = format!("SELECT {QUEUE_COLUMNS} FROM applications {} ORDER BY id DESC", query.where_filters());
        let params = query.params[..query.filter_params].to_vec();
        self.run(|pool| async move {
            let rows = client(&pool).await?.query(&sql, &refs(&params)).await?;
            rows.iter().map(application_row).collect()
        })
    }

    fn grids(&self) -> Result<Vec<String>, StoreError> {
        self.run(|pool| async move {
            let rows = client(&pool)
                .await?
                .query("SELECT DISTINCT grid FROM applications WHERE kind = 'proxy_request' AND grid IS NOT NULL ORDER BY grid", &[])
                .await?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn application_detail(&self, id: i64) -> Result<Option<DetailRow>, StoreError> {
        self.run(|pool| async move {
            let client = client(&pool).await?;
            let Some(r) = client
                .query_opt(
                    &format!(
                        "SELECT {QUEUE_COLUMNS}, form, grid, note, token, handed_over_by, handed_over_at,
                                purged_at
                         FROM applications WHERE id = $1"
                    ),
                    &[&id],
                )
                .await?
            else {
                return Ok(None);
            };
            let timeline = client
                .query(
                    "SELECT status, at, note, actor FROM application_events WHERE application_id = $1 ORDER BY id",
                    &[&id],
                )
                .await?
                .iter()
                .map(|e| {
                    Ok(ConsoleEvent { status: parse_status(e.get(0))?, at: e.get(1), note: e.get(2), actor: e.get(3) })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let rating = client
                .query_opt("SELECT score, reasons, rated_at FROM ratings WHERE application_id = $1", &[&id])
                .await?
                .map(|x| (x.get(0), x.get(1), x.get(2)));
            Ok(Some(DetailRow {
                row: application_row(&r)?,
                form: r.get(12),
                grid: r.get(13),
                note: r.get(14),
                token: r.get(15),
                handed_over_by: r.get(16),
                handed_over_at: r.get(17),
                purged_at: r.get(18),
                timeline,
                rating,
            }))
        })
    }

    fn log_access(&self, staff_id: i64, application_id: i64, at: &str) -> Result<(), StoreError> {
        let at = at.to_string();
        self.run(|pool| async move {
            client(&pool)
                .await?
                .execute(
                    "INSERT INTO access_log (staff_id, application_id, at) VALUES ($1, $2, $3)",
                    &[&staff_id, &application_id, &at],
                )
                .await?;
            Ok(())
        })
    }

    fn access_log(&self, filter: &AccessFilter, limit: usize) -> Result<Vec<AccessEntry>, StoreError> {
        let limit = limit as i64;
        let AccessFilter { before, application_id, username } = filter.clone();
        self.run(|pool| async move {
            let rows = client(&pool)
                .await?
                .query(
                    "SELECT l.id, l.at, s.username, l.application_id, a.acceptance_no
                     FROM access_log l JOIN staff s ON s.id = l.staff_id JOIN applications a ON a.id = l.application_id
                     WHERE ($1::BIGINT IS NULL OR l.id < $1) AND ($3::BIGINT IS NULL OR l.application_id = $3)
                       AND ($4::TEXT IS NULL OR s.username = $4)
                     ORDER BY l.id DESC LIMIT $2",
                    &[&before, &limit, &application_id, &username],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| AccessEntry {
                    id: r.get(0),
                    at: r.get(1),
                    username: r.get(2),
                    application_id: r.get(3),
                    acceptance_no: r.get(4),
                })
                .collect())
        })
    }

    fn hand_over(&self, id: i64, pickup_code: &str, actor: &str, at: &str) -> Result<String, StoreError> {
        let (pickup_code, actor, at) = (pickup_code.to_string(), actor.to_string(), at.to_string());
        self.run(|pool| async move {
            let mut client = client(&pool).await?;
            let tx = client.transaction().await?;
            // The row locked: a concurrent change waits, then reads the status this one leaves.
            let Some(row) = tx
                .query_opt("SELECT status, pickup_code, token FROM applications WHERE id = $1 FOR UPDATE", &[&id])
                .await?
            else {
                return Err(StoreError::NotFound(format!("application `{id}`")));
            };
            let (current, code, token): (String, String, String) = (row.get(0), row.get(1), row.get(2));
            let current = parse_status(&current)?;
            if !current.can_become(Status::PickedUp) {
                return Err(StoreError::BadTransition { from: current.as_str(), to: Status::PickedUp.as_str() });
            }
            if !crate::store::console::constant_time_eq(&code, &pickup_code) {
                return Err(StoreError::WrongPickupCode);
            }
            tx.execute(
                "UPDATE applications SET status = $2, handed_over_by = $3, handed_over_at = $4 WHERE id = $1",
                &[&id, &Status::PickedUp.as_str(), &actor, &at],
            )
            .await?;
            tx.execute(
                "INSERT INTO application_events (application_id, status, at, note, actor) VALUES ($1, $2, $3, NULL, $4)",
                &[&id, &Status::PickedUp.as_str(), &at, &actor],
            )
            .await?;
            tx.commit().await?;
            Ok(token)
        })
    }
}
