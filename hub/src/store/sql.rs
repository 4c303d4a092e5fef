//! SQL that both backends run as it is, but for their parameter markers (`?1` in SQLite, `$1` in
//! PostgreSQL): the console's statistics. Dates are compared as text (`YYYY-MM-DD`, the first ten
//! characters of an RFC 3339 time: the kiosk's local date), which both order the same way: a time
//! `2026-11-22T09:41:00+08:00` is `>= '2026-11-22'` and `< '2026-11-23'`.

use super::StatsBy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

fn markers(sql: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => sql.to_string(),
        Dialect::Postgres => sql.replace("?1", "$1").replace("?2", "$2"),
    }
}

/// `(group, label, score, count)` of the ratings given from day `?1` to before day `?2`.
pub(crate) fn rating_counts(by: StatsBy, dialect: Dialect) -> String {
    let sql = match by {
        StatsBy::Item => {
            "SELECT a.item_code, MAX(a.item_name), r.score, COUNT(*)
             FROM ratings r JOIN applications a ON a.id = r.application_id
             WHERE r.rated_at >= ?1 AND r.rated_at < ?2
             GROUP BY a.item_code, r.score"
        }
        StatsBy::Terminal => {
            "SELECT r.terminal_id, MAX(t.name), r.score, COUNT(*)
             FROM ratings r LEFT JOIN terminals t ON t.id = r.terminal_id
             WHERE r.rated_at >= ?1 AND r.rated_at < ?2
             GROUP BY r.terminal_id, r.score"
        }
    };
    markers(sql, dialect)
}

/// `(group, label, day, count)` of the applications submitted from day `?1` to before day `?2` (the
/// range, not `substr`, so that the index on `submitted_at` serves it).
pub(crate) fn day_counts(by: StatsBy, dialect: Dialect) -> String {
    let sql = match by {
        StatsBy::Item => {
            "SELECT a.item_code, MAX(a.item_name), substr(a.submitted_at, 1, 10), COUNT(*)
             FROM applications a
             WHERE a.submitted_at >= ?1 AND a.submitted_at < ?2
             GROUP BY a.item_code, substr(a.submitted_at, 1, 10)"
        }
        StatsBy::Terminal => {
            "SELECT a.terminal_id, MAX(t.name), substr(a.submitted_at, 1, 10), COUNT(*)
             FROM applications a LEFT JOIN terminals t ON t.id = a.terminal_id
             WHERE a.submitted_at >= ?1 AND a.submitted_at < ?2
             GROUP BY a.terminal_id, substr(a.submitted_at, 1, 10)"
        }
    };
    markers(sql, dialect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_gets_numbered_dollar_markers_and_sqlite_keeps_its_own() {
        for by in [StatsBy::Item, StatsBy::Terminal] {
            for sql in [rating_counts(by, Dialect::Postgres), day_counts(by, Dialect::Postgres)] {
                assert!(sql.contains("$1") && sql.contains("$2") && !sql.contains('?'), "{sql}");
            }
            for sql in [rating_counts(by, Dialect::Sqlite), day_counts(by, Dialect::Sqlite)] {
                assert!(sql.contains("?1") && sql.contains("?2") && !sql.contains('$'), "{sql}");
            }
        }
    }
}
