//! Catalogue publication and its conditional GET.

use crate::common::{error_code, Hub};
use kiosk_hub::cli::catalog_publish;

fn catalogue(version: u32) -> String {
    format!(
        r#"{{"version": {version}, "published": "2026-11-20", "themes": [{{"code": "elderly", "name": "老年人"}}],
  "items": [{{"code": "LL0001", "name": "老年人优待证办理（年审）", "department": "芙蓉区民政局"}}]}}"#
    )
}

hub_test! {
    async fn a_published_catalogue_is_served_with_an_etag_and_revalidated_with_304() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        assert_eq!(error_code(hub.get("/api/v1/catalog", &token).await).await, (404, "no_catalog".into()));

        let file = hub.dir.path().join("catalog-v3.json");
        std::fs::write(&file, catalogue(3)).unwrap();
        assert_eq!(catalog_publish(&hub.store, &file).unwrap(), "published catalogue version 3 (1 items)");

        let response = hub.get("/api/v1/catalog", &token).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["etag"], "\"v3\"");
        assert_eq!(response.text().await.unwrap(), catalogue(3), "served exactly as published");

        let conditional = |etag: &'static str| {
            hub.client.get(hub.url("/api/v1/catalog")).bearer_auth(&token).header("If-None-Match", etag).send()
        };
        let response = conditional("\"v3\"").await.unwrap();
        assert_eq!(response.status(), 304);
        assert_eq!(response.headers()["etag"], "\"v3\"");
        assert_eq!(conditional("W/\"v3\"").await.unwrap().status(), 304);
        assert_eq!(conditional("\"v2\"").await.unwrap().status(), 200);

        // Not higher than the current version: refused, nothing changes.
        std::fs::write(&file, catalogue(3)).unwrap();
        let err = catalog_publish(&hub.store, &file).unwrap_err();
        assert!(err.to_string().contains("not higher"), "{err}");

        std::fs::write(&file, catalogue(4)).unwrap();
        catalog_publish(&hub.store, &file).unwrap();
        let response = conditional("\"v3\"").await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["etag"], "\"v4\"");
    }
}

hub_test! {
    async fn a_catalogue_failing_the_loose_check_is_not_published() {
        let hub = Hub::start().await;
        let file = hub.dir.path().join("bad.json");
        std::fs::write(&file, r#"{"version": 1, "items": [{"code": "LL0001"}]}"#).unwrap();
        let err = catalog_publish(&hub.store, &file).unwrap_err();
        assert!(err.to_string().contains("items[0].name"), "{err}");
        assert_eq!(err.exit_code(), 1);
        assert!(hub.store.latest_catalog().unwrap().is_none());
        let err = catalog_publish(&hub.store, &hub.dir.path().join("missing.json")).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
