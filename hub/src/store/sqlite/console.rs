//! The console's queries on SQLite (see `store::console`).

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::{write_tx, SqliteStore};
use crate::model::Status;
use crate::store::console::{
    AccessEntry, AccessFilter, ConsoleEvent, ConsoleStorage, DetailRow, Param, QueueQuery, Role, StaffAccount,
    StaffSession, QUEUE_COLUMNS,
};
use crate::store::{parse_kind, parse_status, ApplicationRow, ApplicationSummary, StoreError};

fn values(params: &[Param]) -> Vec<Value> {
    params
        .iter()
        .map(|p| match p {
            Param::Text(s) => Value::Text(s.clone()),
            Param::Int(i) => Value::Integer(*i),
        })
        .collect()
}

/// Runs `update` (`… WHERE username = ?1`, the value as `?2`) on the account: its id, or not found.
fn update_staff(tx: &rusqlite::Transaction<'_>, update: &str, username: &str, value: &str) -> Result<i64, StoreError> {
    tx.query_row(&format!("{update} RETURNING id"), params![username, value], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("staff account `{username}`")))
}

/// A row of [`QUEUE_COLUMNS`] as read (kind and status still text).
pub(super) struct RawRow([String; 11], Option<String>, i64);

pub(super) fn raw_row(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    let text = |i: usize| r.get::<_, String>(i);
    Ok(RawRow(
        [
            text(1)?,
            text(2)?,
            text(3)?,
            text(4)?,
            text(5)?,
            text(6)?,
            text(7)?,
            text(8)?,
            text(9)?,
            text(10)?,
            String::new(),
        ],
        r.get(11)?,
        r.get(0)?,
    ))
}

pub(super) fn application_row(raw: RawRow) -> Result<ApplicationRow, StoreError> {
    let RawRow(
        [acceptance_no, kind, status, terminal_id, idempotency_key, item_code, item_name, applicant, submitted_at, received_at, _],
        promised_date,
        id,
    ) = raw;
    Ok(ApplicationRow {
        summary: ApplicationSummary {
            id,
            acceptance_no,
            kind: parse_kind(&kind)?,
            status: parse_status(&status)?,
            terminal_id,
            idempotency_key,
            item_code,
            item_name,
            applicant_name: String::new(),
            submitted_at,
            received_at,
            promised_date,
        },
        applicant,
    })
}

fn account(r: &Row<'_>) -> rusqlite::Result<(i64, String, String, String, Option<String>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_account(
    (id, username, role, created_at, disabled_at): (i64, String, String, String, Option<String>),
) -> Result<StaffAccount, StoreError> {
    let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("unknown staff role `{role}`")))?;
    Ok(StaffAccount { id, username, role, created_at, disabled_at })
}

impl ConsoleStorage for SqliteStore {
    fn placeholder(&self) -> fn(usize) -> String {
        |n| format!("?{n}")
    }

    fn insert_staff(&self, username: &str, role: Role, password_hash: &str, at: &str) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let exists: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM staff WHERE username = ?1)", [username], |r| r.get(0))?;
        if exists {
            return Err(StoreError::StaffExists(username.to_string()));
        }
        tx.execute(
            "INSERT INTO staff (username, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![username, role.as_str(), password_hash, at],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    fn list_staff(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT id, username, role, created_at, disabled_at FROM staff ORDER BY username")?;
        let rows = stmt.query_map([], account)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_account).collect()
    }

    fn staff_by_username(&self, username: &str) -> Result<Option<(StaffAccount, String)>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, username, role, created_at, disabled_at, password_hash FROM staff WHERE username = ?1",
                [username],
                |r| Ok((account(r)?, r.get::<_, String>(5)?)),
            )
            .optional()?;
        row.map(|(a, hash)| Ok((to_account(a)?, hash))).transpose()
    }

    fn disable_staff(&self, username: &str, at: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let id = update_staff(
            &tx,
            "UPDATE staff SET disabled_at = COALESCE(disabled_at, ?2) WHERE username = ?1",
            username,
            at,
        )?;
        tx.execute("DELETE FROM staff_sessions WHERE staff_id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    fn set_password(&self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let id = update_staff(&tx, "UPDATE staff SET password_hash = ?2 WHERE username = ?1", username, password_hash)?;
        tx.execute("DELETE FROM staff_sessions WHERE staff_id = ?1", [id])?;
        tx.execute("DELETE FROM login_failures WHERE username = ?1", [username])?;
        tx.commit()?;
        Ok(())
    }

    fn create_session(
        &self,
        id_hash: &str,
        staff_id: i64,
        csrf: &str,
        at: &str,
        expired_before: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        tx.execute("DELETE FROM staff_sessions WHERE last_seen < ?1", [expired_before])?;
        tx.execute(
            "INSERT INTO staff_sessions (id_hash, staff_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![id_hash, staff_id, csrf, at],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn touch_session(&self, id_hash: &str, idle_cutoff: &str, at: &str) -> Result<Option<StaffSession>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT s.staff_id, t.username, t.role, s.csrf FROM staff_sessions s JOIN staff t ON t.id = s.staff_id
                 WHERE s.id_hash = ?1 AND s.last_seen >= ?2 AND t.disabled_at IS NULL",
                params![id_hash, idle_cutoff],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)),
            )
            .optional()?;
        let Some((staff_id, username, role, csrf)) = row else { return Ok(None) };
        conn.execute("UPDATE staff_sessions SET last_seen = ?2 WHERE id_hash = ?1", params![id_hash, at])?;
        let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("unknown staff role `{role}`")))?;
        Ok(Some(StaffSession { staff_id, username, role, csrf }))
    }

    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM staff_sessions WHERE id_hash = ?1", [id_hash])?;
        Ok(())
    }

    fn record_login_failure(&self, username: &str, address: &str, at: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO login_failures (username, address, at) VALUES (?1, ?2, ?3)",
            params![username, address, at],
        )?;
        Ok(())
    }

    fn login_failures(
        &self,
        username: &str,
        address: &str,
        since: &str,
        limit: usize,
    ) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let conn = self.conn();
        let times = |column: &str, value: &str| -> Result<Vec<String>, StoreError> {
            let mut stmt = conn.prepare(&format!(
                "SELECT at FROM login_failures WHERE {column} = ?1 AND at >= ?2 ORDER BY at DESC LIMIT ?3"
            ))?;
            let rows = stmt.query_map(params![value, since, limit as i64], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        Ok((times("username", username)?, times("address", address)?))
    }

    fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM login_failures WHERE username = ?1", [username])?;
        Ok(())
    }

    fn queue(&self, query: &QueueQuery) -> Result<(Vec<ApplicationRow>, u64), StoreError> {
        let conn = self.conn();
        let order = if query.descending { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT {QUEUE_COLUMNS} FROM applications {} ORDER BY id {order} LIMIT {}",
            query.where_page(),
            query.limit
        );
        let mut stmt = conn.prepare(&sql)?;
        let raw = stmt.query_map(params_from_iter(values(&query.params)), raw_row)?.collect::<Result<Vec<_>, _>>()?;
        let rows = raw.into_iter().map(application_row).collect::<Result<Vec<_>, _>>()?;
        let count_sql = format!("SELECT COUNT(*) FROM applications {}", query.where_filters());
        let total: i64 =
            conn.query_row(&count_sql, params_from_iter(values(&query.params[..query.filter_params])), |r| r.get(0))?;
        Ok((rows, total as u64))
    }

    fn queue_all(&self, query: &QueueQuery) -> Result<Vec<ApplicationRow>, StoreError> {
        let conn = self.conn();
        let sql = format!("SELECT {QUEUE_COLUMNS} FROM applications {} ORDER BY id DESC", query.where_filters());
        let mut stmt = conn.prepare(&sql)?;
        let raw = stmt
            .query_map(params_from_iter(values(&query.params[..query.filter_params])), raw_row)?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter().map(application_row).collect()
    }

    fn grids(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT DISTINCT grid FROM applications WHERE kind = 'proxy_request' AND grid IS NOT NULL ORDER BY grid",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn application_detail(&self, id: i64) -> Result<Option<DetailRow>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!(
                    "SELECT {QUEUE_COLUMNS}, form, grid, note, token, handed_over_by, handed_over_at,
                            purged_at
                     FROM applications WHERE id = ?1"
                ),
                [id],
                |r| {
                    Ok((
                        raw_row(r)?,
                        (r.get::<_, String>(12)?, r.get::<_, Option<String>>(13)?),
                        (r.get::<_, Option<String>>(14)?, r.get::<_, String>(15)?),
                        (
                            r.get::<_, Option<String>>(16)?,
                            r.get::<_, Option<String>>(17)?,
                            r.get::<_, Option<String>>(18)?,
                        ),
                    ))
                },
            )
            .optional()?;
        let Some((raw, (form, grid), (note, token), (handed_over_by, handed_over_at, purged_at))) = row else {
            return Ok(None);
        };
        let mut stmt = conn
            .prepare("SELECT status, at, note, actor FROM application_events WHERE application_id = ?1 ORDER BY id")?;
        let events = stmt
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let timeline = events
            .into_iter()
            .map(|(status, at, note, actor)| Ok(ConsoleEvent { status: parse_status(&status)?, at, note, actor }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let rating = conn
            .query_row("SELECT score, reasons, rated_at FROM ratings WHERE application_id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        Ok(Some(DetailRow {
            row: application_row(raw)?,
            form,
            grid,
            note,
            token,
            handed_over_by,
            handed_over_at,
            purged_at,
            timeline,
            rating,
        }))
    }

    fn log_access(&self, staff_id: i64, application_id: i64, at: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO access_log (staff_id, application_id, at) VALUES (?1, ?2, ?3)",
            params![staff_id, application_id, at],
        )?;
        Ok(())
    }

    fn access_log(&self, filter: &AccessFilter, limit: usize) -> Result<Vec<AccessEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT l.id, l.at, s.username, l.application_id, a.acceptance_no
             FROM access_log l JOIN staff s ON s.id = l.staff_id JOIN applications a ON a.id = l.application_id
             WHERE (?1 IS NULL OR l.id < ?1) AND (?3 IS NULL OR l.application_id = ?3) AND (?4 IS NULL OR s.username = ?4)
             ORDER BY l.id DESC LIMIT ?2",
        )?;
        let args = params![filter.before, limit as i64, filter.application_id, filter.username];
        let rows = stmt.query_map(args, |r| {
            Ok(AccessEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                username: r.get(2)?,
                application_id: r.get(3)?,
                acceptance_no: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn hand_over(&self, id: i64, pickup_code: &str, actor: &str, at: &str) -> Result<String, StoreError> {
        let mut conn = self.conn();
        let tx = write_tx(&mut conn)?;
        let row: Option<(String, String, String)> = tx
            .query_row("SELECT status, pickup_code, token FROM applications WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((current, code, token)) = row else {
            return Err(StoreError::NotFound(format!("application `{id}`")));
        };
        let current = parse_status(&current)?;
        if !current.can_become(Status::PickedUp) {
            return Err(StoreError::BadTransition { from: current.as_str(), to: Status::PickedUp.as_str() });
        }
        if !crate::store::console::constant_time_eq(&code, pickup_code) {
            return Err(StoreError::WrongPickupCode);
        }
        tx.execute(
            "UPDATE applications SET status = ?2, handed_over_by = ?3, handed_over_at = ?4 WHERE id = ?1",
            params![id, Status::PickedUp.as_str(), actor, at],
        )?;
        tx.execute(
            "INSERT INTO application_events (application_id, status, at, note, actor) VALUES (?1, ?2, ?3, NULL, ?4)",
            params![id, Status::PickedUp.as_str(), at, actor],
        )?;
        tx.commit()?;
        Ok(token)
    }
}
