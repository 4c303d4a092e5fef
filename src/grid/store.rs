//! The installed grid directory in the terminal's database (migration in src/store/mod.rs): one head
//! row with the version, one row per grid. A newer directory replaces the old one in one transaction.

use rusqlite::{params, OptionalExtension};

use super::model::{Community, Directory, Grid, Street};
use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum GridStoreError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("grid directory stored in the database is unreadable: {0}")]
    Json(#[from] serde_json::Error),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Region {
    province: String,
    city: String,
    district: String,
}

/// The installed directory's version, if any.
pub fn version(store: &Store) -> Result<Option<u64>, GridStoreError> {
    Ok(store.connection().query_row("SELECT version FROM grid_directory WHERE id = 1", [], |r| r.get(0)).optional()?)
}

/// Installs `dir` unless the same or a newer version is installed; returns whether it did.
pub fn install_if_newer(store: &mut Store, dir: &Directory) -> Result<bool, GridStoreError> {
    if version(store)?.is_some_and(|v| v >= dir.version) {
        return Ok(false);
    }
    let region = Region { province: dir.province.clone(), city: dir.city.clone(), district: dir.district.clone() };
    let tx = store.connection_mut().transaction()?;
    tx.execute("DELETE FROM grid", [])?;
    crate::killpoint::step("grid directory: old grids deleted");
    tx.execute(
        "INSERT OR REPLACE INTO grid_directory (id, version, published, region, installed_at)
         VALUES (1, ?1, ?2, ?3, datetime('now'))",
        params![dir.version, dir.published, serde_json::to_string(&region)?],
    )?;
    crate::killpoint::step("grid directory: head row written");
    {
        let mut insert =
            tx.prepare("INSERT INTO grid (position, street, community, number, body) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (i, g) in dir.grids().enumerate() {
            insert.execute(params![
                i,
                g.street.name,
                g.community.name,
                g.grid.number,
                serde_json::to_string(g.grid)?
            ])?;
            crate::killpoint::step("grid directory: grid row written");
        }
    }
    tx.commit()?;
    crate::killpoint::step("grid directory: commit");
    Ok(true)
}

/// Reads the installed directory back, in its published order.
pub fn load(store: &Store) -> Result<Option<Directory>, GridStoreError> {
    let conn = store.connection();
    let head: Option<(u64, String, String)> = conn
        .query_row("SELECT version, published, region FROM grid_directory WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((version, published, region)) = head else {
        return Ok(None);
    };
    let region: Region = serde_json::from_str(&region)?;
    let mut streets: Vec<Street> = Vec::new();
    let mut stmt = conn.prepare("SELECT street, community, body FROM grid ORDER BY position")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (street, community, body) = row?;
        let grid: Grid = serde_json::from_str(&body)?;
        if streets.last().is_none_or(|s| s.name != street) {
            streets.push(Street { name: street, communities: Vec::new() });
        }
        let s = streets.last_mut().expect("just pushed");
        if s.communities.last().is_none_or(|c| c.name != community) {
            s.communities.push(Community { name: community, grids: Vec::new() });
        }
        s.communities.last_mut().expect("just pushed").grids.push(grid);
    }
    Ok(Some(Directory {
        version,
        published,
        province: region.province,
        city: region.city,
        district: region.district,
        streets,
    }))
}

/// Installs the bundled directory when it is newer, and returns what is installed.
pub fn open(store: &mut Store) -> Result<Directory, GridStoreError> {
    install_if_newer(store, &super::bundled())?;
    Ok(load(store)?.unwrap_or_else(super::bundled))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::bundled;

    #[test]
    fn the_bundled_directory_round_trips_and_only_newer_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(load(&store).unwrap(), None);
        assert_eq!(open(&mut store).unwrap(), bundled());
        let mut v2 = bundled();
        v2.version += 1;
        v2.streets.truncate(1);
        assert!(install_if_newer(&mut store, &v2).unwrap());
        assert!(!install_if_newer(&mut store, &bundled()).unwrap(), "an older one never replaces a newer one");
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(load(&store).unwrap(), Some(v2));
    }

    /// Found by fuzz/ (grid_json): a community written twice in a street, each with a grid 1, passed
    /// `validate` and then failed the database's UNIQUE (street, community, number) on install.
    #[test]
    fn a_community_written_twice_with_the_same_grid_number_is_invalid_not_uninstallable() {
        let mut dir = bundled();
        let community = dir.streets[0].communities[0].clone();
        dir.streets[0].communities.push(community);
        let err = dir.validate().expect_err("the same street, community and number twice");
        assert!(err.to_string().contains("the number is used twice"), "{err}");
        // Every directory that validates installs and reads back with the same grids.
        let mut twice = bundled();
        let mut other = twice.streets[0].communities[0].clone();
        other.name.push('二');
        twice.streets[0].communities.push(other);
        twice.validate().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let mut store = Store::open(&tmp.path().join("kiosk.sqlite3")).unwrap();
        assert!(install_if_newer(&mut store, &twice).unwrap());
        assert_eq!(load(&store).unwrap(), Some(twice));
    }
}
