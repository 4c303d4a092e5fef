//! `openapi.yaml` is the contract the kiosk is written against: it must parse as OpenAPI 3.0, carry
//! examples the server's own types accept, and describe exactly the routes the server answers.

use std::collections::BTreeSet;

use crate::common::Hub;
use kiosk_hub::model::{
    ApplicationProgress, ApplicationReceipt, ApplicationRequest, ErrorBody, Heartbeat, RatingReceipt, RatingRequest,
};
use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn document() -> OpenAPI {
    serde_norway::from_str(kiosk_hub::OPENAPI_YAML).expect("openapi.yaml parses as OpenAPI 3.0")
}

/// (METHOD, path template, operation) for every documented operation.
fn operations(doc: &OpenAPI) -> Vec<(String, String, Operation)> {
    let mut out = Vec::new();
    for (path, item) in doc.paths.iter() {
        let item = item.as_item().expect("path items are inline");
        for (method, op) in item.iter() {
            out.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    out
}

fn response<'a>(doc: &'a OpenAPI, r: &'a ReferenceOr<Response>) -> &'a Response {
    match r {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/").expect("local response reference");
            let components = doc.components.as_ref().expect("components");
            components.responses[name].as_item().expect("component responses are inline")
        }
    }
}

fn parse_as<T: DeserializeOwned>(what: &str, example: &Value) -> T {
    serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{what}: example does not fit: {e}"))
}

#[test]
fn every_request_body_example_is_accepted_by_the_server_types() {
    let doc = document();
    let mut checked = 0;
    for (method, path, op) in operations(&doc) {
        let Some(body) = &op.request_body else { continue };
        let body = body.as_item().expect("request bodies are inline");
        assert!(body.required, "{method} {path}: body must be required");
        assert_eq!(body.content.keys().collect::<Vec<_>>(), ["application/json"], "{method} {path}");
        let example = body.content["application/json"].example.as_ref().unwrap_or_else(|| panic!("{method} {path}"));
        let what = format!("{method} {path}");
        match op.operation_id.as_deref() {
            Some("createApplication") => parse_as::<ApplicationRequest>(&what, example).validate().unwrap(),
            Some("createRating") => parse_as::<RatingRequest>(&what, example).validate().unwrap(),
            Some("postHeartbeat") => parse_as::<Heartbeat>(&what, example).validate().unwrap(),
            other => panic!("{what}: no server type known for request body of {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn every_response_with_a_body_has_an_example_of_the_right_shape() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        assert!(op.responses.default.is_none(), "{method} {path}: list statuses explicitly");
        for (status, r) in &op.responses.responses {
            let StatusCode::Code(code) = status else { panic!("{method} {path}: no status ranges") };
            let r = response(&doc, r);
            for (media, content) in &r.content {
                let what = format!("{method} {path} {code} {media}");
                let example = content.example.as_ref().unwrap_or_else(|| panic!("{what}: no example"));
                if *code >= 400 {
                    let e: ErrorBody = parse_as(&what, example);
                    assert!(e.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{what}");
                    continue;
                }
                match (op.operation_id.as_deref().unwrap(), code) {
                    ("createApplication", 200 | 201) => drop(parse_as::<ApplicationReceipt>(&what, example)),
                    ("getApplicationProgress", 200) => drop(parse_as::<ApplicationProgress>(&what, example)),
                    ("createRating", 201) => drop(parse_as::<RatingReceipt>(&what, example)),
                    ("getCatalog", 200) => {
                        let text = example.to_string();
                        kiosk_hub::cli::check_catalog(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
                    }
                    ("healthz" | "openapi", 200) => assert!(example.is_string(), "{what}"),
                    (id, _) => panic!("{what}: unexpected documented body for {id}"),
                }
            }
        }
    }
}

#[test]
fn the_api_routes_need_the_terminal_token_and_the_others_do_not() {
    let doc = document();
    let schemes = &doc.components.as_ref().unwrap().security_schemes;
    assert!(schemes.contains_key("terminalToken"));
    let global = doc.security.as_ref().expect("global security");
    assert!(global.iter().any(|req| req.contains_key("terminalToken")));
    for (method, path, op) in operations(&doc) {
        let open = op.security.as_ref().is_some_and(|s| s.is_empty());
        assert_eq!(open, !path.starts_with("/api/v1/"), "{method} {path}");
        if path.starts_with("/api/v1/") {
            assert!(op.responses.responses.contains_key(&StatusCode::Code(401)), "{method} {path}: 401");
        }
    }
}

/// Sends each documented operation its documented examples (path parameters, headers, body) as the
/// terminal the examples name, and checks that the answer is a documented 2xx. Fails when the set of
/// routes exercised here differs from the set in the document.
#[tokio::test]
async fn every_documented_route_answers_its_documented_example() {
    let hub = Hub::start().await;
    let token = hub.terminal("SF-QST-01");
    let catalog = hub.dir.path().join("catalog.json");
    std::fs::write(&catalog, r#"{"version": 4, "items": [{"code": "LL0001", "name": "老年人优待证办理（年审）"}]}"#)
        .unwrap();
    kiosk_hub::cli::catalog_publish(&hub.store, &catalog).unwrap();

    let doc = document();
    let mut ops = operations(&doc);
    // Creation before the reads and the rating that need it.
    ops.sort_by_key(|(_, _, op)| op.operation_id.as_deref() != Some("createApplication"));
    let mut hit = BTreeSet::new();
    for (method, template, op) in &ops {
        let mut path = template.clone();
        let mut request_headers = Vec::new();
        for p in &op.parameters {
            let p = p.as_item().expect("inline parameters");
            let data = p.parameter_data_ref();
            let example =
                data.example.as_ref().and_then(Value::as_str).unwrap_or_else(|| panic!("{template}: example"));
            match p {
                Parameter::Path { .. } => path = path.replace(&format!("{{{}}}", data.name), example),
                Parameter::Header { .. } if data.required => request_headers.push((data.name.clone(), example)),
                _ => {}
            }
        }
        let mut request = hub.client.request(method.parse().unwrap(), hub.url(&path));
        if template.starts_with("/api/v1/") {
            request = request.bearer_auth(&token);
        }
        for (name, value) in request_headers {
            request = request.header(name, value);
        }
        if let Some(body) = &op.request_body {
            request = request.json(body.as_item().unwrap().content["application/json"].example.as_ref().unwrap());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert!((200..300).contains(&status), "{method} {template}: {status} {}", response.text().await.unwrap());
        assert!(op.responses.responses.contains_key(&StatusCode::Code(status)), "{method} {template}: {status}");
        hit.insert((method.clone(), template.clone()));
    }

    let documented: BTreeSet<_> = ops.iter().map(|(m, p, _)| (m.clone(), p.clone())).collect();
    let served: BTreeSet<(String, String)> = [
        ("GET", "/healthz"),
        ("GET", "/openapi.yaml"),
        ("GET", "/api/v1/catalog"),
        ("POST", "/api/v1/applications"),
        ("GET", "/api/v1/applications/{token}"),
        ("POST", "/api/v1/ratings"),
        ("POST", "/api/v1/terminals/{id}/heartbeat"),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    assert_eq!(hit, documented, "routes exercised vs documented");
    assert_eq!(served, documented, "routes the router serves vs documented");
}
