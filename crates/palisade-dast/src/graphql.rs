//! GraphQL: endpoint detection, then introspection, suggestions, batching and depth checks.
//! Only queries are sent (never mutations): read-only POSTs, allowed without
//! `--allow-unsafe-methods`.

use serde_json::{Value, json};
use url::Url;

use crate::http::{Request, Response};
use crate::rules::{finding, shape};
use crate::scan::Ctx;

const COMMON: &[&str] = &[
    "/graphql",
    "/api/graphql",
    "/graphql/v1",
    "/v1/graphql",
    "/query",
    "/gql",
];

const INTROSPECTION: &str = "query IntrospectionQuery { __schema { queryType { name } types { kind name fields { name type { kind name ofType { kind name ofType { kind name } } } } } } }";

fn post(cx: &mut Ctx<'_>, url: &Url, body: &Value) -> Option<(Request, Response, Option<Value>)> {
    let mut req = Request::get(url.clone()).with_body(
        "POST",
        "application/json",
        body.to_string().into_bytes(),
    );
    req.read_only_post = true;
    let r = cx.send(&req)?;
    let v = serde_json::from_slice::<Value>(&r.body).ok();
    Some((req, r, v))
}

fn evidence(req: &Request, r: &Response) -> String {
    format!("{}\n\n{}", req.line(), r.summary(500))
}

pub(crate) fn run(cx: &mut Ctx<'_>) {
    let target = cx.opts.target.clone();
    let mut candidates: Vec<Url> = cx.graphql_candidates.clone();
    for p in COMMON {
        if let Ok(u) = target.join(p) {
            candidates.push(u);
        }
    }
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|u| {
        let mut u = u.clone();
        u.set_query(None);
        seen.insert(u.to_string())
    });
    for mut u in candidates {
        if cx.stopped {
            return;
        }
        u.set_query(None);
        if !cx.client.scope.allows(&u) {
            continue;
        }
        let Some((_, _, Some(v))) = post(cx, &u, &json!({"query": "{__typename}"})) else {
            continue;
        };
        if v.pointer("/data/__typename")
            .and_then(Value::as_str)
            .is_none()
        {
            continue;
        }
        cx.graphql_found.push(u.to_string());
        checks(cx, &u);
    }
}

fn checks(cx: &mut Ctx<'_>, u: &Url) {
    let sk = shape(u);
    // Introspection.
    let mut schema = None;
    if let Some((req, r, Some(v))) = post(cx, u, &json!({"query": INTROSPECTION}))
        && let Some(s) = v.pointer("/data/__schema")
        && s.get("types")
            .and_then(Value::as_array)
            .is_some_and(|t| !t.is_empty())
    {
        let n = s.get("types").and_then(Value::as_array).map_or(0, Vec::len);
        cx.add(finding(
            "dast/graphql-introspection",
            "POST",
            u,
            &sk,
            "",
            format!("introspection returns the schema ({n} types)"),
            evidence(&req, &r),
        ));
        schema = Some(s.clone());
    }
    // Suggestions: a misspelt root field.
    let field = schema
        .as_ref()
        .and_then(first_query_field)
        .unwrap_or_else(|| "user".into());
    let typo = format!("{}x", field);
    if let Some((req, r, Some(v))) = post(cx, u, &json!({"query": format!("{{ {typo} }}")})) {
        let msgs = v.get("errors").map(|e| e.to_string()).unwrap_or_default();
        if msgs.contains("Did you mean") {
            cx.add(finding(
                "dast/graphql-field-suggestions",
                "POST",
                u,
                &sk,
                "",
                "errors suggest real field names (\"Did you mean ...\")".into(),
                evidence(&req, &r),
            ));
        }
    }
    // Batching.
    let batch =
        json!([{"query": "{__typename}"}, {"query": "{__typename}"}, {"query": "{__typename}"}]);
    if let Some((req, r, Some(Value::Array(a)))) = post(cx, u, &batch)
        && a.len() == 3
        && a.iter().all(|x| x.pointer("/data/__typename").is_some())
    {
        cx.add(finding(
            "dast/graphql-batching",
            "POST",
            u,
            &sk,
            "",
            "a JSON array of 3 operations runs in one request".into(),
            evidence(&req, &r),
        ));
    }
    // Depth: along a cycle of the schema.
    if let Some(s) = &schema
        && let Some(q) = deep_query(s, 12)
        && let Some((req, r, Some(v))) = post(cx, u, &json!({"query": q}))
        && v.get("data").is_some_and(|d| !d.is_null())
        && v.get("errors")
            .is_none_or(|e| e.as_array().is_some_and(Vec::is_empty))
    {
        cx.add(finding(
            "dast/graphql-depth-unlimited",
            "POST",
            u,
            &sk,
            "",
            "a query nested 12 levels deep is answered without error".into(),
            evidence(&req, &r),
        ));
    }
}

fn type_named<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
    schema
        .get("types")?
        .as_array()?
        .iter()
        .find(|t| t.get("name").and_then(Value::as_str) == Some(name))
}

fn named_type(t: &Value) -> Option<String> {
    let mut cur = t;
    for _ in 0..5 {
        if let Some(n) = cur.get("name").and_then(Value::as_str) {
            return Some(n.to_owned());
        }
        cur = cur.get("ofType")?;
    }
    None
}

fn first_query_field(schema: &Value) -> Option<String> {
    let q = schema.pointer("/queryType/name")?.as_str()?;
    let t = type_named(schema, q)?;
    t.get("fields")?
        .as_array()?
        .first()?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}

/// `{ f1 { f2 { f1 { ... } } } }` following object-typed fields, `depth` levels deep.
fn deep_query(schema: &Value, depth: usize) -> Option<String> {
    let q = schema.pointer("/queryType/name")?.as_str()?;
    let mut ty = q.to_owned();
    let mut path: Vec<String> = Vec::new();
    for _ in 0..depth {
        let t = type_named(schema, &ty)?;
        let fields = t.get("fields")?.as_array()?;
        let next = fields.iter().find_map(|f| {
            let tn = named_type(f.get("type")?)?;
            let tt = type_named(schema, &tn)?;
            (tt.get("kind").and_then(Value::as_str) == Some("OBJECT") && !tn.starts_with("__"))
                .then_some(())
                .and_then(|()| Some((f.get("name")?.as_str()?.to_owned(), tn)))
        })?;
        path.push(next.0);
        ty = next.1;
    }
    let mut q = String::from("__typename");
    for f in path.iter().rev() {
        q = format!("{f} {{ {q} }}");
    }
    Some(format!("{{ {q} }}"))
}
