//! `openapi.yaml` is the contract the kiosk is written against: it must parse as OpenAPI 3.0, carry
//! examples the contract's types (`kiosk-contract`, shared by the kiosk and the hub) accept, and describe
//! exactly the routes the server answers.

use std::collections::BTreeSet;

use crate::common::Hub;
use kiosk_contract::{
    ApplicationProgress, ApplicationReceipt, ApplicationRequest, CatalogHead, Enrolment, EnrolmentRequest, ErrorBody,
    Heartbeat, Kind, Lenient, RatingReceipt, RatingRequest, Status,
};
use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
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

/// Parses a response example as the contract type the kiosk reads it with, and checks that the type
/// holds all of it: written back, it is the example again (response types accept unknown fields, so
/// parsing alone would not notice a field the type lacks).
fn parse_whole<T: DeserializeOwned + Serialize>(what: &str, example: &Value) -> T {
    let value: T = parse_as(what, example);
    assert_eq!(&serde_json::to_value(&value).unwrap(), example, "{what}: the contract type lacks a field");
    value
}

/// A status or kind in a response example is one the contract knows.
fn known<T: std::fmt::Debug>(what: &str, v: &Lenient<T>) {
    assert!(matches!(v, Lenient::Known(_)), "{what}: unknown value {v:?}");
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
            Some("enrol") => {
                let request = parse_as::<EnrolmentRequest>(&what, example);
                request.validate().unwrap();
                assert!(
                    kiosk_contract::normalise_enrolment_code(&request.code).is_some(),
                    "{what}: a code of the issued form"
                );
            }
            other => panic!("{what}: no server type known for request body of {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 4);
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
                    let e: ErrorBody = parse_whole(&what, example);
                    assert!(e.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{what}");
                    continue;
                }
                match (op.operation_id.as_deref().unwrap(), code) {
                    ("createApplication", 200 | 201) => {
                        let r: ApplicationReceipt = parse_whole(&what, example);
                        known(&what, &r.status);
                    }
                    ("getApplicationProgress", 200) => {
                        let p: ApplicationProgress = parse_whole(&what, example);
                        known(&what, &p.status);
                        known::<Kind>(&what, &p.kind);
                        p.timeline.iter().for_each(|e| known::<Status>(&what, &e.status));
                    }
                    ("createRating", 201) => drop(parse_whole::<RatingReceipt>(&what, example)),
                    ("enrol", 200) => {
                        let e: Enrolment = parse_whole(&what, example);
                        assert!(e.bundle.contains(&format!("terminal_id = \"{}\"", e.terminal_id)), "{what}");
                    }
                    ("getCatalog", 200) => {
                        parse_as::<CatalogHead>(&what, example).validate().unwrap_or_else(|e| panic!("{what}: {e}"));
                        let text = example.to_string();
                        kiosk_hub::cli::check_catalog(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
                    }
                    ("getGrid", 200) => {
                        let dir: kiosk_contract::grid::Directory = parse_whole(&what, example);
                        dir.validate().unwrap_or_else(|e| panic!("{what}: {e}"));
                        kiosk_hub::cli::check_grid(&example.to_string()).unwrap_or_else(|e| panic!("{what}: {e}"));
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
        // Enrolment is how a terminal gets its token: the one API route without one.
        let tokenless = !path.starts_with("/api/v1/") || path == "/api/v1/enrolment";
        assert_eq!(open, tokenless, "{method} {path}");
        if !tokenless {
            assert!(op.responses.responses.contains_key(&StatusCode::Code(401)), "{method} {path}: 401");
        }
    }
}

hub_test! {
    /// Sends each documented operation its documented examples (path parameters, headers, body) as the
    /// terminal the examples name, and checks that the answer is a documented 2xx. Fails when the set of
    /// routes exercised here differs from the set in the document.
    async fn every_documented_route_answers_its_documented_example() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let catalog = hub.dir.path().join("catalog.json");
        std::fs::write(&catalog, r#"{"version": 4, "items": [{"code": "LL0001", "name": "老年人优待证办理（年审）"}]}"#)
            .unwrap();
        kiosk_hub::cli::catalog_publish(&hub.store, &catalog).unwrap();
        let grid = hub.dir.path().join("grid.json");
        let doc = document();
        let get = doc.paths.paths["/api/v1/grid"].as_item().unwrap().get.as_ref().unwrap();
        let example = response(&doc, &get.responses.responses[&StatusCode::Code(200)]).content["application/json"]
            .example
            .clone()
            .unwrap();
        std::fs::write(&grid, example.to_string()).unwrap();
        kiosk_hub::cli::grid_publish(&hub.store, &grid).unwrap();

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
            if op.operation_id.as_deref() == Some("enrol") {
                // Codes are random: the example's shape with a code the hub issued.
                let code = hub.store.create_enrolment("SF-QST-02", chrono::Duration::hours(1), None).unwrap().code;
                request = request.json(&serde_json::json!({ "code": code }));
            } else if let Some(body) = &op.request_body {
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
            ("GET", "/api/v1/grid"),
            ("POST", "/api/v1/applications"),
            ("GET", "/api/v1/applications/{token}"),
            ("POST", "/api/v1/ratings"),
            ("POST", "/api/v1/terminals/{id}/heartbeat"),
            ("POST", "/api/v1/enrolment"),
        ]
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
        assert_eq!(hit, documented, "routes exercised vs documented");
        assert_eq!(served, documented, "routes the router serves vs documented");
    }
}

/// The document's enumerations and string bounds are the contract crate's: what the document promises
/// and what both sides check cannot drift apart.
#[test]
fn the_documents_enumerations_and_bounds_are_the_contracts() {
    use kiosk_contract::limits::{self as l, Chars};
    use kiosk_contract::{CardType, Paper, ReaderHealth, WireName};
    use openapiv3::{Schema, SchemaKind, StringType, Type};

    let doc = document();
    let schemas = &doc.components.as_ref().unwrap().schemas;
    let string = |schema: &Schema, what: &str| -> StringType {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.clone(),
            other => panic!("{what}: not a string schema: {other:?}"),
        }
    };
    fn names<T: WireName>() -> Vec<String> {
        T::ALL.iter().map(|v| v.as_str().to_string()).collect()
    }
    for (name, expected) in [
        ("Kind", names::<Kind>()),
        ("Status", names::<Status>()),
        ("CardType", names::<CardType>()),
        ("ReaderHealth", names::<ReaderHealth>()),
        ("Paper", names::<Paper>()),
    ] {
        let s = string(schemas[name].as_item().unwrap_or_else(|| panic!("{name} is inline")), name);
        let listed: Vec<String> = s.enumeration.into_iter().flatten().collect();
        assert_eq!(listed, expected, "{name}");
    }

    let property = |schema: &str, field: &str| -> StringType {
        let SchemaKind::Type(Type::Object(o)) = &schemas[schema].as_item().unwrap().schema_kind else {
            panic!("{schema}: not an object");
        };
        let p = o.properties[field].as_item().unwrap_or_else(|| panic!("{schema}.{field} is a reference"));
        string(p, &format!("{schema}.{field}"))
    };
    for (schema, field, bounds) in [
        ("ApplicationRequest", "acceptance_no", l::ACCEPTANCE_NO),
        ("ApplicationRequest", "item_code", l::ITEM_CODE),
        ("ApplicationRequest", "item_name", l::ITEM_NAME),
        ("ApplicationRequest", "pickup_code", l::PICKUP_CODE),
        ("ApplicationRequest", "note", l::NOTE),
        ("Applicant", "name", l::APPLICANT_NAME),
        ("Applicant", "id_number", l::ID_NUMBER),
        ("Applicant", "gender", l::GENDER),
        ("Applicant", "address", l::ADDRESS),
        ("Heartbeat", "app_version", l::APP_VERSION),
        ("Heartbeat", "last_error", l::LAST_ERROR),
    ] {
        let s = property(schema, field);
        let documented = Chars { min: s.min_length.unwrap_or(0), max: s.max_length.expect("a maxLength") };
        assert_eq!(documented, bounds, "{schema}.{field}");
    }
}

/// The patterns of the document's codes are the contract crate's.
#[test]
fn the_documents_patterns_are_the_contracts() {
    use kiosk_contract::validate::{CODE_PATTERN, PICKUP_CODE_PATTERN};
    use openapiv3::{SchemaKind, Type};

    let doc = document();
    let schemas = &doc.components.as_ref().unwrap().schemas;
    let pattern = |schema: &openapiv3::Schema, what: &str| -> Option<String> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.pattern.clone(),
            other => panic!("{what}: not a string schema: {other:?}"),
        }
    };
    let object = |schema: &openapiv3::Schema| -> openapiv3::ObjectType {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.clone(),
            other => panic!("not an object: {other:?}"),
        }
    };
    let request = object(schemas["ApplicationRequest"].as_item().unwrap());
    for (field, expected) in
        [("acceptance_no", CODE_PATTERN), ("item_code", CODE_PATTERN), ("pickup_code", PICKUP_CODE_PATTERN)]
    {
        let p = pattern(request.properties[field].as_item().unwrap(), field);
        assert_eq!(p.as_deref(), Some(expected), "ApplicationRequest.{field}");
    }
    let catalog = object(schemas["Catalog"].as_item().unwrap());
    let SchemaKind::Type(Type::Array(items)) = &catalog.properties["items"].as_item().unwrap().schema_kind else {
        panic!("Catalog.items is an array");
    };
    let item = object(items.items.as_ref().unwrap().as_item().unwrap());
    assert_eq!(pattern(item.properties["code"].as_item().unwrap(), "code").as_deref(), Some(CODE_PATTERN));
}

/// The codes a documented response names in its description (between backticks, snake_case).
fn documented_codes(description: &str) -> Vec<String> {
    description
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
        .map(str::to_string)
        .collect()
}

/// One request, byte for byte, with `Content-Length: declared` (the body may be shorter).
fn http(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8], declared: usize) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: hub\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || declared > 0 || method == "POST" {
        out.push_str(&format!("Content-Length: {declared}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// Provokes every error response the document lists, operation by operation, over a raw socket: the
/// answer has the documented status, one of the codes its description names, and its required headers.
/// A documented error without a way to provoke it here fails the test, as does one the hub answers
/// differently.
#[tokio::test]
async fn every_documented_error_is_answered_as_documented() {
    use crate::common::{raw, senior_card_renewal};
    use kiosk_hub::config::Limits;
    use std::time::Duration;

    let hub = Hub::start_with(Limits { body_timeout: Duration::from_millis(500), ..Limits::default() }, false).await;
    let token = hub.terminal("SF-QST-01");
    let other = hub.terminal("SF-QST-02");
    // A hub whose terminal has spent its only request.
    let limited =
        Hub::start_with(Limits { terminal_requests_per_minute: 1, terminal_burst: 1, ..Limits::default() }, false)
            .await;
    let limited_token = limited.terminal("SF-QST-01");
    assert_eq!(limited.get("/api/v1/catalog", &limited_token).await.status(), 404);

    let doc = document();
    let mut checked = BTreeSet::new();
    for (method, template, op) in operations(&doc) {
        let id = op.operation_id.clone().unwrap();
        let mut path = template.clone();
        for p in &op.parameters {
            let data = p.as_item().unwrap().parameter_data_ref();
            if let Parameter::Path { .. } = p.as_item().unwrap() {
                let example = data.example.as_ref().and_then(Value::as_str).unwrap();
                path = path.replace(&format!("{{{}}}", data.name), example);
            }
        }
        let example: Option<Value> =
            op.request_body.as_ref().map(|b| b.as_item().unwrap().content["application/json"].example.clone().unwrap());
        let example_bytes = example.as_ref().map(|e| serde_json::to_vec(e).unwrap()).unwrap_or_default();
        let key = example.as_ref().and_then(|e| e["idempotency_key"].as_str()).unwrap_or("").to_string();
        let bearer = |t: &str| format!("Bearer {t}");
        let auth = bearer(&token);
        let json_headers = |auth: &str| -> Vec<(&'static str, String)> {
            let mut h = vec![("Authorization", auth.to_string()), ("Content-Type", "application/json".to_string())];
            if id == "createApplication" {
                h.push(("Idempotency-Key", key.clone()));
            }
            h
        };
        let send = |headers: Vec<(&'static str, String)>, path: String, body: Vec<u8>, declared: usize| {
            let method = method.clone();
            let addr = hub.addr;
            async move {
                let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                raw(addr, &http(&method, &path, &headers, &body, declared)).await
            }
        };
        let with_body = |body: &[u8]| (body.to_vec(), body.len());

        for (status, response) in &op.responses.responses {
            let StatusCode::Code(status) = *status else { unreachable!() };
            if status < 400 {
                continue;
            }
            let documented = self::response(&doc, response);
            let what = format!("{id} {status}");
            let code_body = |code: &str| with_body(&serde_json::to_vec(&serde_json::json!({ "code": code })).unwrap());
            let issued = |terminal: &str, valid_for: chrono::Duration| {
                hub.store.create_enrolment(terminal, valid_for, None).unwrap().code
            };
            let answer = match (id.as_str(), status) {
                ("enrol", 403) => {
                    hub.terminal("SF-QST-09");
                    let code = issued("SF-QST-09", chrono::Duration::hours(1));
                    hub.store.revoke_terminal("SF-QST-09").unwrap();
                    let (b, n) = code_body(&code);
                    send(json_headers(""), path.clone(), b, n).await
                }
                ("enrol", 404) => {
                    let (b, n) = code_body("000000000000");
                    send(json_headers(""), path.clone(), b, n).await
                }
                ("enrol", 409) => {
                    let code = issued("SF-QST-10", chrono::Duration::hours(1));
                    let (b, n) = code_body(&code);
                    assert_eq!(send(json_headers(""), path.clone(), b.clone(), n).await.status, 200);
                    send(json_headers(""), path.clone(), b, n).await
                }
                ("enrol", 410) => {
                    let (b, n) = code_body(&issued("SF-QST-11", chrono::Duration::seconds(-1)));
                    send(json_headers(""), path.clone(), b, n).await
                }
                ("enrol", 429) => {
                    // Spend the limited hub's failure budget with wrong codes.
                    let (b, n) = code_body("000000000000");
                    let request = http(&method, &path, &[("Content-Type", "application/json")], &b, n);
                    let mut last = raw(limited.addr, &request).await;
                    while last.status == 404 {
                        last = raw(limited.addr, &request).await;
                    }
                    last
                }
                (_, 400) if method == "GET" => {
                    send(vec![("Authorization", auth.clone())], "/api/v1/applications/%FF%FE".into(), vec![], 0).await
                }
                (_, 400) => {
                    let (b, n) = with_body(b"{,");
                    send(json_headers(&auth), path.clone(), b, n).await
                }
                (_, 401) => {
                    let (b, n) = with_body(&example_bytes);
                    let headers = json_headers("").into_iter().filter(|(n, _)| *n != "Authorization").collect();
                    send(headers, path.clone(), b, n).await
                }
                (_, 403) => {
                    let (b, n) = with_body(&example_bytes);
                    send(json_headers(&bearer(&other)), path.clone(), b, n).await
                }
                ("getCatalog" | "getGrid", 404) => {
                    send(vec![("Authorization", auth.clone())], path.clone(), vec![], 0).await
                }
                ("getApplicationProgress", 404) => {
                    let path = "/api/v1/applications/zzzzzzzzzzzzzzzzzzzz".to_string();
                    send(vec![("Authorization", auth.clone())], path, vec![], 0).await
                }
                ("createRating", 404) => {
                    let mut body = example.clone().unwrap();
                    body["token"] = "zzzzzzzzzzzzzzzzzzzz".into();
                    let (b, n) = with_body(&serde_json::to_vec(&body).unwrap());
                    send(json_headers(&auth), path.clone(), b, n).await
                }
                ("postHeartbeat", 404) => {
                    let (b, n) = with_body(&example_bytes);
                    send(json_headers(&auth), "/api/v1/terminals//heartbeat".into(), b, n).await
                }
                (_, 408) => send(json_headers(&auth), path.clone(), b"{\"app".to_vec(), 100).await,
                ("createApplication", 409) => {
                    let app = senior_card_renewal("SF-QST-01");
                    assert_eq!(hub.submit(&token, &app).await.status(), 201);
                    let mut changed = app.clone();
                    changed["note"] = "另一份".into();
                    let mut headers = json_headers(&auth);
                    headers.retain(|(n, _)| *n != "Idempotency-Key");
                    headers.push(("Idempotency-Key", app["idempotency_key"].as_str().unwrap().to_string()));
                    let (b, n) = with_body(&serde_json::to_vec(&changed).unwrap());
                    send(headers, path.clone(), b, n).await
                }
                ("createRating", 409) => {
                    let app = senior_card_renewal("SF-QST-01");
                    assert_eq!(hub.submit(&token, &app).await.status(), 201);
                    let mut rating = example.clone().unwrap();
                    rating["token"] = app["token"].clone();
                    assert_eq!(hub.post("/api/v1/ratings", &token, &rating).await.status(), 201);
                    let (b, n) = with_body(&serde_json::to_vec(&rating).unwrap());
                    send(json_headers(&auth), path.clone(), b, n).await
                }
                (_, 413) => send(json_headers(&auth), path.clone(), vec![], 3 * 1024 * 1024).await,
                (_, 415) => {
                    let mut headers = json_headers(&auth);
                    headers.retain(|(n, _)| *n != "Content-Type");
                    headers.push(("Content-Type", "text/plain".into()));
                    let (b, n) = with_body(&example_bytes);
                    send(headers, path.clone(), b, n).await
                }
                (_, 422) => {
                    let (b, n) = with_body(b"{}");
                    send(json_headers(&auth), path.clone(), b, n).await
                }
                (_, 429) => {
                    let limited_auth = bearer(&limited_token);
                    let headers = json_headers(&limited_auth);
                    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                    let (b, n) = with_body(&example_bytes);
                    raw(limited.addr, &http(&method, &path, &headers, &b, n)).await
                }
                _ => panic!("{what}: documented, but this test does not know how to provoke it"),
            };
            assert_eq!(answer.status, status, "{what}: {}", String::from_utf8_lossy(&answer.body));
            let code = answer.code();
            let codes = documented_codes(&documented.description);
            assert!(codes.contains(&code), "{what}: `{code}` is not among the documented {codes:?}");
            for (name, header) in &documented.headers {
                let header = header.as_item().unwrap();
                if header.required {
                    assert!(answer.header(&name.to_ascii_lowercase()).is_some(), "{what}: no {name} header");
                }
            }
            checked.insert(what);
        }
    }
    // Every /api/v1 operation has its auth, rate and (with a body) size and time errors.
    assert!(checked.len() >= 30, "{checked:?}");

    // The API-wide answers the description names.
    let info = doc.info.description.clone().unwrap();
    let unknown = raw(hub.addr, b"GET /api/v1/nothing HTTP/1.1\r\nHost: hub\r\n\r\n").await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found".to_string()));
    let wrong = raw(hub.addr, b"DELETE /healthz HTTP/1.1\r\nHost: hub\r\n\r\n").await;
    assert_eq!((wrong.status, wrong.code()), (405, "method_not_allowed".to_string()));
    for code in ["not_found", "method_not_allowed", "rate_limited", "too_many_auth_failures", "request_timeout"] {
        assert!(info.contains(&format!("`{code}`")), "the description names `{code}`");
    }
}
