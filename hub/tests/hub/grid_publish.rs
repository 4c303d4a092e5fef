//! Grid directories from the hub (issue 16): `kiosk-hub grid publish FILE` checks a directory as the
//! kiosk does and stores it as a new version; `GET /api/v1/grid` serves it with an `ETag` and 304.

use crate::common::{error_code, Hub};
use kiosk_hub::cli::grid_publish;
use serde_json::Value;

/// The kiosk's bundled directory (the demo centre's) as `version`.
fn directory(version: u64) -> Value {
    let mut dir: Value = serde_json::from_str(include_str!("../../../assets/grid/directory.json")).unwrap();
    dir["version"] = version.into();
    dir
}

hub_test! {
    async fn a_published_grid_directory_is_served_with_an_etag_and_revalidated_with_304() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        assert_eq!(error_code(hub.get("/api/v1/grid", &token).await).await, (404, "no_grid".into()));

        let file = hub.dir.path().join("grid.json");
        let text = serde_json::to_string_pretty(&directory(7)).unwrap();
        std::fs::write(&file, &text).unwrap();
        let out = grid_publish(&hub.store, &file).unwrap();
        assert!(out.starts_with("published grid directory version 7 ("), "{out}");

        let response = hub.get("/api/v1/grid", &token).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["etag"], "\"grid-v7\"");
        assert_eq!(response.text().await.unwrap(), text, "served exactly as published");

        let conditional = |etag: &'static str| {
            hub.client.get(hub.url("/api/v1/grid")).bearer_auth(&token).header("If-None-Match", etag).send()
        };
        assert_eq!(conditional("\"grid-v7\"").await.unwrap().status(), 304);
        assert_eq!(conditional("W/\"grid-v7\"").await.unwrap().status(), 304);
        assert_eq!(conditional("\"v7\"").await.unwrap().status(), 200, "a catalogue ETag is not the grid's");
        assert_eq!(conditional("\"grid-v6\"").await.unwrap().status(), 200);
        // Without the terminal's token: refused.
        assert_eq!(hub.client.get(hub.url("/api/v1/grid")).send().await.unwrap().status(), 401);

        // Not higher than the current version: refused, nothing changes.
        let err = grid_publish(&hub.store, &file).unwrap_err();
        assert!(err.to_string().contains("grid directory version 7 is not higher than the current version 7"), "{err}");
        std::fs::write(&file, directory(8).to_string()).unwrap();
        grid_publish(&hub.store, &file).unwrap();
        let response = conditional("\"grid-v7\"").await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["etag"], "\"grid-v8\"");
    }
}

hub_test! {
    async fn an_invalid_grid_directory_is_refused_naming_the_problem() {
        let hub = Hub::start().await;
        let file = hub.dir.path().join("bad.json");
        let refused = |dir: &Value| {
            std::fs::write(&file, dir.to_string()).unwrap();
            let err = grid_publish(&hub.store, &file).unwrap_err();
            assert_eq!(err.exit_code(), 1);
            err.to_string()
        };
        // A grid without a worker: named by street, community and grid.
        let mut dir = directory(2);
        let grid = &mut dir["streets"][0]["communities"][0]["grids"][0];
        grid["workers"] = Value::Array(vec![]);
        let (street, community) = (dir["streets"][0]["name"].clone(), dir["streets"][0]["communities"][0]["name"].clone());
        let err = refused(&dir);
        assert!(err.contains("has no worker"), "{err}");
        assert!(err.contains(street.as_str().unwrap()) && err.contains(community.as_str().unwrap()), "{err}");
        // A key the kiosk does not know: named with its path.
        let mut dir = directory(2);
        dir["streets"][0]["communities"][0]["grids"][0]["leader"] = "x".into();
        let err = refused(&dir);
        assert!(err.contains("streets[0].communities[0].grids[0]") && err.contains("leader"), "{err}");
        // A road pattern without house numbers.
        let mut dir = directory(2);
        dir["streets"][0]["communities"][0]["grids"][0]["covers"] = serde_json::json!([{"road": "演示路"}]);
        assert!(refused(&dir).contains("needs either road + numbers or compound"));
        // Version 0.
        let err = refused(&directory(0));
        assert!(err.contains("`version`"), "{err}");
        // Not JSON.
        std::fs::write(&file, "{").unwrap();
        assert!(grid_publish(&hub.store, &file).unwrap_err().to_string().contains("not valid JSON"));
        assert!(hub.store.latest_grid().unwrap().is_none(), "nothing was published");
        let err = grid_publish(&hub.store, &hub.dir.path().join("missing.json")).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
