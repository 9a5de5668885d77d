//! The OpenAPI document against the server it describes: it lists every route (and only
//! those), it matches the committed snapshot, and requests generated from it get answers the
//! document declares — status and body schema — while requests valid under it are never
//! refused as malformed.

use crate::common::{TestServer, Visitor};
use fp_storage::Backend;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every route the service serves: method and path template.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/predict"),
    ("post", "/predict"),
    ("get", "/predictions/{id}"),
    ("get", "/history"),
    ("get", "/history.csv"),
    ("post", "/history/delete"),
    ("get", "/teams/{id}"),
    ("get", "/h2h"),
    ("get", "/leagues/{code}"),
    ("get", "/about"),
    ("get", "/track-record"),
    ("get", "/register"),
    ("post", "/register"),
    ("get", "/login"),
    ("post", "/login"),
    ("post", "/logout"),
    ("get", "/account"),
    ("post", "/account"),
    ("post", "/account/logout-everywhere"),
    ("post", "/account/tokens"),
    ("post", "/account/tokens/{id}/revoke"),
    ("post", "/account/email"),
    ("get", "/account/email/confirm"),
    ("post", "/account/notifications"),
    ("get", "/password-reset"),
    ("post", "/password-reset"),
    ("get", "/password-reset/{token}"),
    ("post", "/password-reset/{token}"),
    ("get", "/unsubscribe/{token}"),
    ("post", "/unsubscribe/{token}"),
    ("get", "/admin"),
    ("post", "/admin/jobs/{job}/run"),
    ("post", "/admin/mails/{id}/resend"),
    ("get", "/admin/reports/{week}"),
    ("get", "/admin/reports/{week}/csv"),
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("delete", "/api/tokens/{id}"),
    ("post", "/api/predict"),
    ("get", "/api/history"),
    ("delete", "/api/history"),
    ("get", "/api/predictions/{id}"),
    ("get", "/api/leagues"),
    ("get", "/api/leagues/{code}/teams"),
    ("get", "/api/leagues/{code}/fixtures"),
    ("get", "/api/leagues/{code}/simulation"),
    ("get", "/api/track-record"),
    ("get", "/api/teams/{id}"),
    ("get", "/api/h2h"),
    ("get", "/health"),
    ("get", "/livez"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/openapi.json"),
    ("get", "/api/docs"),
    ("get", "/static/{file}"),
];

fn document() -> Value {
    serde_json::to_value(fp_web::openapi()).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

#[test]
fn the_document_lists_every_route_and_only_those() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
    // And every documented route is one the router serves (not the 404 fallback, not 405).
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    for (method, path, _) in operations(&doc) {
        let concrete = path
            .replace("{id}", "1")
            .replace("{code}", "E0")
            .replace("{file}", "x");
        let r = v.send(
            axum::http::Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&concrete),
            String::new(),
        );
        assert_ne!(r.status, 405, "{method} {path}");
        let fallback = r.status == 404 && r.body.contains("no page at");
        assert!(!fallback, "{method} {path} is documented but not routed");
    }
    // The server serves the same document.
    let served = v.get("/api/openapi.json").json();
    assert_eq!(served, doc);
}

#[test]
fn the_document_matches_its_snapshot() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/openapi.snapshot.json"
    );
    let now = serde_json::to_string_pretty(&document()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &now).unwrap();
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        kept == now,
        "the OpenAPI document changed: review the change and rerun with UPDATE_SNAPSHOTS=1 \
         to accept it ({path})"
    );
}

/// A request made from the document, and whether it is valid under it.
#[derive(Debug, Clone)]
struct Case {
    method: String,
    path: String,
    uri: String,
    body: Option<String>,
    content_type: Option<&'static str>,
    valid: bool,
}

/// Values that exist in the test data, and others that do not.
const NAMES: &[&str] = &[
    "Arsenal",
    "Chelsea",
    "Everton",
    "Leeds",
    "X",
    "Y",
    "Nobody FC",
];
const CODES: &[&str] = &["E0", "D1", "XX"];

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A value for a schema: mostly realistic, sometimes arbitrary, always valid under it.
fn value_for(name: &str, schema: &Value) -> BoxedStrategy<Value> {
    if let Some(values) = schema["enum"].as_array() {
        return proptest::sample::select(values.clone()).boxed();
    }
    match schema["type"].as_str() {
        Some("integer") => {
            let min = schema["minimum"].as_i64().unwrap_or(i64::MIN);
            prop_oneof![
                (min.max(0)..60).prop_map(|n| json!(n)),
                (min.max(-1_000_000)..1_000_000).prop_map(|n| json!(n)),
            ]
            .boxed()
        }
        Some("boolean") => any::<bool>().prop_map(|b| json!(b)).boxed(),
        Some("array") => {
            let item = value_for(name, &schema["items"]);
            proptest::collection::vec(item, 0..4)
                .prop_map(Value::Array)
                .boxed()
        }
        _ => {
            if schema["pattern"].as_str() == Some("^[HDA]?$") {
                return proptest::sample::select(vec!["", "H", "D", "A"])
                    .prop_map(|s| json!(s))
                    .boxed();
            }
            let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
            let max = schema["maxLength"].as_u64().unwrap_or(24).min(24) as usize;
            let pool: &[&str] = if name.contains("league") || name == "code" {
                CODES
            } else {
                NAMES
            };
            prop_oneof![
                3 => proptest::sample::select(pool.to_vec()).prop_map(|s| json!(s)),
                1 => proptest::string::string_regex(&format!("\\PC{{{min},{}}}", max.max(min)))
                    .unwrap()
                    .prop_map(|s| json!(s)),
            ]
            .boxed()
        }
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(schema),
        None => schema,
    }
}

/// A JSON object for an object schema: required properties always, others sometimes.
fn object_for(doc: &Value, schema: &Value) -> BoxedStrategy<Value> {
    let schema = resolve(doc, schema);
    let required: BTreeSet<String> = schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let props: Vec<(String, Value)> = schema["properties"]
        .as_object()
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
        .into_iter()
        .map(|(k, s)| {
            let v = value_for(&k, resolve(doc, &s));
            if required.contains(&k) {
                v.prop_map(move |v| Some((k.clone(), v))).boxed()
            } else {
                proptest::option::of(v.prop_map(move |v| (k.clone(), v))).boxed()
            }
        })
        .collect();
    fields
        .prop_map(|fs| Value::Object(fs.into_iter().flatten().collect()))
        .boxed()
}

fn case_for(doc: &Value, method: String, path: String, op: &Value) -> BoxedStrategy<Case> {
    let params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
    let param_values: Vec<BoxedStrategy<(Value, Option<Value>)>> = params
        .into_iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or("").to_string();
            let v = value_for(&name, resolve(doc, &p["schema"]));
            if p["required"].as_bool() == Some(true) || p["in"] == "path" {
                v.prop_map(move |v| (p.clone(), Some(v))).boxed()
            } else {
                proptest::option::of(v)
                    .prop_map(move |v| (p.clone(), v))
                    .boxed()
            }
        })
        .collect();
    let json_body = op["requestBody"]["content"]["application/json"]["schema"].clone();
    let body: BoxedStrategy<Option<Value>> = if json_body.is_null() {
        Just(None).boxed()
    } else {
        object_for(doc, &json_body).prop_map(Some).boxed()
    };
    // Sometimes break the request: an integer parameter that is not a number, a body that is
    // not JSON, or no content type.
    let breakage = prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)];
    (param_values, body, breakage)
        .prop_map(move |(values, body, breakage)| {
            let mut uri = path.clone();
            let mut query = Vec::new();
            let mut valid = true;
            for (p, v) in values {
                let Some(v) = v else { continue };
                let mut text = match &v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if breakage == 1 && p["schema"]["type"] == "integer" {
                    text = "not-a-number".into();
                    valid = false;
                }
                let name = p["name"].as_str().unwrap_or("");
                if p["in"] == "path" {
                    uri = uri.replace(&format!("{{{name}}}"), &percent(&text));
                } else {
                    query.push((name.to_string(), text));
                }
            }
            if !query.is_empty() {
                let q = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&query)
                    .finish();
                uri = format!("{uri}?{q}");
            }
            let mut content_type = body.as_ref().map(|_| "application/json");
            let mut text = body.map(|b| b.to_string());
            if text.is_some() && breakage == 2 {
                text = text.map(|t| t.chars().take(t.chars().count() / 2).collect());
                valid = false;
            }
            if text.is_some() && breakage == 3 {
                content_type = None;
                valid = false;
            }
            Case {
                method: method.clone(),
                path: path.clone(),
                uri,
                body: text,
                content_type,
                valid,
            }
        })
        .boxed()
}

/// The declared response of `status`, if any.
fn declared(op: &Value, status: u16) -> Option<&Value> {
    op["responses"].get(status.to_string())
}

fn check(doc: &Value, op: &Value, v: &mut Visitor, case: &Case) -> Result<(), TestCaseError> {
    let mut req = axum::http::Request::builder()
        .method(case.method.to_uppercase().as_str())
        .uri(&case.uri);
    if let Some(ct) = case.content_type {
        req = req.header("Content-Type", ct);
    }
    let r = v.send(req, case.body.clone().unwrap_or_default());
    let what = format!(
        "{} {} -> {}: {}",
        case.method,
        case.uri,
        r.status,
        r.body.chars().take(300).collect::<String>()
    );
    prop_assert!(r.status < 500, "server error: {what}");
    let response = declared(op, r.status);
    prop_assert!(response.is_some(), "undeclared status: {what}");
    if case.valid {
        prop_assert!(
            r.status != 400 && r.status != 415,
            "valid request refused: {what}"
        );
    }
    let api = case.path.starts_with("/api/") && case.path != "/api/docs";
    let content_type = r.header("content-type").unwrap_or("").to_string();
    if api {
        prop_assert!(
            content_type.starts_with("application/json"),
            "not JSON: {what}"
        );
    }
    let schema = response
        .and_then(|d| d["content"]["application/json"].get("schema"))
        .cloned();
    if let Some(mut schema) = schema
        && content_type.starts_with("application/json")
    {
        if let Value::Object(m) = &mut schema {
            m.insert("components".into(), doc["components"].clone());
        }
        let validator = jsonschema::validator_for(&schema).unwrap();
        let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| e.to_string())
            .collect();
        prop_assert!(
            errors.is_empty(),
            "body does not match the schema ({errors:?}): {what}"
        );
    }
    Ok(())
}

#[test]
fn requests_made_from_the_document_get_declared_answers_on_sqlite() {
    declared_answers(Backend::Sqlite);
}

#[test]
fn requests_made_from_the_document_get_declared_answers_on_postgres() {
    declared_answers(Backend::Postgres);
}

fn declared_answers(backend: Backend) {
    let doc = document();
    let s = TestServer::start(backend);
    let v = std::cell::RefCell::new(s.visitor());
    // A prediction to find by id.
    assert_eq!(
        v.borrow_mut().predict("E0", "Arsenal", "Chelsea").status,
        200
    );
    let cases = if std::env::var_os("CI").is_some() {
        64
    } else {
        32
    };
    for (method, path, op) in operations(&doc) {
        // Forms and the account flow are the browser's (see the page tests), not the API's.
        let page_form = method == "post" && !path.starts_with("/api/");
        if page_form {
            continue;
        }
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = case_for(&doc, method.clone(), path.clone(), &op);
        runner
            .run(&strategy, |case| {
                check(&doc, &op, &mut v.borrow_mut(), &case)
            })
            .unwrap_or_else(|e| panic!("{backend:?} {method} {path}: {e}"));
    }
}
