//! Where endpoints come from besides links: robots.txt, sitemap.xml and OpenAPI 3 / Swagger 2
//! documents (every operation, with generated valid parameters).

use serde_json::{Map, Value, json};
use url::Url;

/// A request body an endpoint takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Form(Vec<(String, String)>),
    Json(Value),
    Xml(String),
}

/// One thing to request, and to attack.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub method: String,
    pub url: Url,
    pub body: Option<Body>,
    /// Where it was found: `crawl`, `form`, `robots`, `sitemap`, `script`, `openapi`.
    pub source: &'static str,
}

impl Endpoint {
    pub fn get(url: Url, source: &'static str) -> Endpoint {
        Endpoint {
            method: "GET".into(),
            url,
            body: None,
            source,
        }
    }

    /// Dedup key: method, URL shape (parameter names, not values), body field names.
    pub fn key(&self) -> String {
        let body = match &self.body {
            None => String::new(),
            Some(Body::Form(f)) => {
                let mut n: Vec<&str> = f.iter().map(|(k, _)| k.as_str()).collect();
                n.sort_unstable();
                format!("form:{}", n.join(","))
            }
            Some(Body::Json(v)) => match v {
                Value::Object(m) => {
                    format!("json:{}", m.keys().cloned().collect::<Vec<_>>().join(","))
                }
                _ => "json".into(),
            },
            Some(Body::Xml(_)) => "xml".into(),
        };
        format!(
            "{} {} {}",
            self.method,
            crate::rules::shape(&self.url),
            body
        )
    }
}

/// `Allow:`/`Disallow:` paths and `Sitemap:` URLs of a robots.txt.
pub fn robots(text: &str, base: &Url) -> (Vec<Url>, Vec<Url>) {
    let mut paths = Vec::new();
    let mut sitemaps = Vec::new();
    for line in text.lines().take(10_000) {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "allow" | "disallow" => {
                // Wildcards are patterns, not URLs: keep the literal part before them.
                let lit = v.split(['*', '$']).next().unwrap_or("");
                if lit.starts_with('/')
                    && lit.len() > 1
                    && let Ok(u) = base.join(lit)
                {
                    paths.push(u);
                }
            }
            "sitemap" => {
                if let Ok(u) = base.join(v) {
                    sitemaps.push(u);
                }
            }
            _ => {}
        }
    }
    (paths, sitemaps)
}

/// `<loc>` URLs of a sitemap or sitemap index.
pub fn sitemap(text: &str, base: &Url) -> Vec<Url> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("<loc>") {
        rest = &rest[i + 5..];
        let Some(j) = rest.find("</loc>") else { break };
        let raw = rest[..j].trim().replace("&amp;", "&");
        if let Ok(u) = base.join(&raw) {
            out.push(u);
        }
        rest = &rest[j..];
        if out.len() >= 5000 {
            break;
        }
    }
    out
}

/// An OpenAPI document's operations. `doc_url` resolves relative server URLs; `target` is
/// the base when the document names none.
pub fn openapi(text: &str, doc_url: Option<&Url>, target: &Url) -> Result<Vec<Endpoint>, String> {
    let doc: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?
    } else {
        serde_saphyr::from_str(text).map_err(|e| format!("not valid YAML or JSON: {e}"))?
    };
    let swagger2 = doc
        .get("swagger")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('2'));
    let oas3 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('3'));
    if !swagger2 && !oas3 {
        return Err("neither `openapi: 3.x` nor `swagger: \"2.0\"`".into());
    }
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no `paths` object")?;
    let base = base_url(&doc, swagger2, doc_url, target);
    let mut out = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let mut params = shared.clone();
            if let Some(p) = op.get("parameters").and_then(Value::as_array) {
                params.extend(p.iter().cloned());
            }
            let mut p = path.clone();
            let mut query = Vec::new();
            let mut form = Vec::new();
            let mut json_body = None;
            for param in &params {
                let param = resolve(&doc, param, 0);
                let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                let schema = param
                    .get("schema")
                    .map(|s| resolve(&doc, s, 0))
                    .unwrap_or_else(|| param.clone());
                let value = param
                    .get("example")
                    .cloned()
                    .unwrap_or_else(|| sample(&doc, &schema, 0));
                let text = scalar(&value);
                match param.get("in").and_then(Value::as_str).unwrap_or("") {
                    "path" => p = p.replace(&format!("{{{name}}}"), &text),
                    "query" => query.push((name.to_owned(), text)),
                    "formData" => form.push((name.to_owned(), text)),
                    "body" => json_body = Some(Body::Json(sample(&doc, &schema, 0))),
                    _ => {}
                }
            }
            let mut body = if form.is_empty() {
                json_body
            } else {
                Some(Body::Form(form))
            };
            if let Some(rb) = op.get("requestBody").map(|r| resolve(&doc, r, 0))
                && let Some(content) = rb.get("content").and_then(Value::as_object)
            {
                let pick = |ct: &str| {
                    content
                        .iter()
                        .find(|(k, _)| k.contains(ct))
                        .map(|(_, v)| v.clone())
                };
                if let Some(c) = pick("json") {
                    let v = c.get("example").cloned().unwrap_or_else(|| {
                        c.get("schema")
                            .map(|s| sample(&doc, &resolve(&doc, s, 0), 0))
                            .unwrap_or(json!({}))
                    });
                    body = Some(Body::Json(v));
                } else if let Some(c) = pick("x-www-form-urlencoded") {
                    let v = c
                        .get("schema")
                        .map(|s| sample(&doc, &resolve(&doc, s, 0), 0))
                        .unwrap_or(json!({}));
                    let fields = v
                        .as_object()
                        .map(|m| m.iter().map(|(k, v)| (k.clone(), scalar(v))).collect())
                        .unwrap_or_default();
                    body = Some(Body::Form(fields));
                } else if let Some(c) = pick("xml") {
                    let ex = c
                        .get("example")
                        .and_then(Value::as_str)
                        .unwrap_or("<?xml version=\"1.0\"?><data><value>1</value></data>");
                    body = Some(Body::Xml(ex.to_owned()));
                }
            }
            let joined = format!(
                "{}/{}",
                base.as_str().trim_end_matches('/'),
                p.trim_start_matches('/')
            );
            let Ok(mut url) = Url::parse(&joined) else {
                continue;
            };
            if !query.is_empty() {
                url.query_pairs_mut().extend_pairs(query.iter());
            }
            out.push(Endpoint {
                method: method.to_ascii_uppercase(),
                url,
                body,
                source: "openapi",
            });
        }
    }
    Ok(out)
}

fn base_url(doc: &Value, swagger2: bool, doc_url: Option<&Url>, target: &Url) -> Url {
    let rel_base = doc_url.unwrap_or(target);
    if swagger2 {
        let mut u = target.clone();
        if let Some(h) = doc.get("host").and_then(Value::as_str)
            && let Ok(x) = Url::parse(&format!("{}://{h}/", target.scheme()))
        {
            u = x;
        }
        let bp = doc.get("basePath").and_then(Value::as_str).unwrap_or("/");
        return u.join(bp).unwrap_or(u);
    }
    doc.get("servers")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .and_then(|s| rel_base.join(s).ok())
        .unwrap_or_else(|| target.join("/").unwrap_or_else(|_| target.clone()))
}

fn resolve(doc: &Value, v: &Value, depth: u32) -> Value {
    if depth > 8 {
        return v.clone();
    }
    if let Some(r) = v.get("$ref").and_then(Value::as_str)
        && let Some(ptr) = r.strip_prefix('#')
        && let Some(t) = doc.pointer(ptr)
    {
        return resolve(doc, t, depth + 1);
    }
    v.clone()
}

/// A valid value for a schema: example, default, first enum value, else by type and format.
pub fn sample(doc: &Value, schema: &Value, depth: u32) -> Value {
    let schema = resolve(doc, schema, 0);
    if depth > 5 {
        return Value::Null;
    }
    for k in ["example", "default"] {
        if let Some(v) = schema.get(k) {
            return v.clone();
        }
    }
    if let Some(e) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return e.clone();
    }
    for k in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(k)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return sample(doc, first, depth + 1);
        }
    }
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or(
        if schema.get("properties").is_some() {
            "object"
        } else {
            "string"
        },
    );
    match ty {
        "integer" | "number" => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(1);
            json!(min.max(1))
        }
        "boolean" => json!(true),
        "array" => {
            let item = schema
                .get("items")
                .map(|i| sample(doc, i, depth + 1))
                .unwrap_or(json!("a"));
            json!([item])
        }
        "object" => {
            let mut m = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in props.iter().take(50) {
                    m.insert(k.clone(), sample(doc, v, depth + 1));
                }
            }
            Value::Object(m)
        }
        _ => {
            let s = match schema.get("format").and_then(Value::as_str).unwrap_or("") {
                "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "date" => "2024-01-01",
                "date-time" => "2024-01-01T00:00:00Z",
                "email" => "user@example.com",
                "uri" | "url" => "https://example.com/",
                "ipv4" => "192.0.2.1",
                _ => "palisade",
            };
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            let mut s = s.to_owned();
            while s.len() < min.min(256) {
                s.push('a');
            }
            json!(s)
        }
    }
}

pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Url {
        Url::parse("http://127.0.0.1:1/").expect("url")
    }

    #[test]
    fn openapi3_operations_get_valid_parameters() {
        let doc = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: /api}]
paths:
  /items/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer, minimum: 5}}]
    get:
      parameters:
        - {name: sort, in: query, schema: {type: string, enum: [asc, desc]}}
        - $ref: '#/components/parameters/Limit'
    put:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Item'}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer, default: 10}}
  schemas:
    Item: {type: object, properties: {name: {type: string}, email: {type: string, format: email}}}
"#;
        let eps = openapi(doc, None, &target()).expect("parses");
        assert_eq!(eps.len(), 2);
        assert_eq!(
            eps[0].url.as_str(),
            "http://127.0.0.1:1/api/items/5?sort=asc&limit=10"
        );
        assert_eq!(eps[1].method, "PUT");
        assert_eq!(
            eps[1].body,
            Some(Body::Json(
                json!({"name": "palisade", "email": "user@example.com"})
            ))
        );
    }

    #[test]
    fn swagger2_and_invalid_documents() {
        let doc = r#"{"swagger":"2.0","basePath":"/v1","paths":{"/u":{"post":{"parameters":[{"name":"n","in":"formData","type":"string"}]}}}}"#;
        let eps = openapi(doc, None, &target()).expect("parses");
        assert_eq!(eps[0].url.as_str(), "http://127.0.0.1:1/v1/u");
        assert_eq!(
            eps[0].body,
            Some(Body::Form(vec![("n".into(), "palisade".into())]))
        );
        assert!(
            openapi("{not json", None, &target())
                .expect_err("invalid")
                .contains("JSON")
        );
        assert!(
            openapi("openapi: 3.0.0\n", None, &target())
                .expect_err("invalid")
                .contains("paths")
        );
        assert!(
            openapi("a: b\n", None, &target())
                .expect_err("invalid")
                .contains("neither")
        );
    }

    #[test]
    fn robots_and_sitemaps() {
        let b = target();
        let (p, s) = robots(
            "User-agent: *\nDisallow: /admin/\nDisallow: /*.pdf$\nAllow: /pub\nSitemap: /s.xml\n",
            &b,
        );
        let p: Vec<&str> = p.iter().map(Url::path).collect();
        assert_eq!(p, ["/admin/", "/pub"]);
        assert_eq!(s[0].path(), "/s.xml");
        let urls = sitemap(
            "<urlset><url><loc>http://127.0.0.1:1/a?x=1&amp;y=2</loc></url><url><loc>/b</loc></url></urlset>",
            &b,
        );
        assert_eq!(urls.len(), 2);
        assert_eq!(urls[0].query(), Some("x=1&y=2"));
    }
}
