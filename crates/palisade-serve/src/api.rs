//! The HTTP API: uploads (project tokens), administration (the admin token), the OpenAPI
//! document and the health check.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use palisade_store::{ScanMeta, Store, Upload};
use serde::Deserialize;
use serde_json::json;
use sha2::Digest;

use crate::App;
use crate::pool::StoreFailure;
use crate::security::{ct_eq, too_many};

/// The OpenAPI 3 document of this API.
pub(crate) const OPENAPI: &str = include_str!("../static/openapi.json");

pub(crate) fn routes(max_upload: usize) -> Router<App> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/healthz", get(health))
        .route(
            "/api/v1/uploads",
            post(upload).layer(DefaultBodyLimit::max(max_upload)),
        )
        .route("/api/v1/projects", post(create_project).get(list_projects))
        .route("/api/v1/tokens", post(create_token))
        .route("/api/v1/tokens/{id}", delete(revoke_token))
        .route(
            "/api/v1/codeowners",
            put(set_codeowners).layer(DefaultBodyLimit::max(1024 * 1024)),
        )
}

fn problem(status: StatusCode, detail: impl Into<String>) -> Response {
    let mut r = (
        status,
        json!({ "status": status.as_u16(), "detail": detail.into() }).to_string(),
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn bearer(h: &HeaderMap) -> Option<&str> {
    h.get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

fn is_admin(app: &App, h: &HeaderMap) -> bool {
    bearer(h).is_some_and(|t| ct_eq(t, &app.admin_token))
}

fn unauthorized(what: &str) -> Response {
    let mut r = problem(StatusCode::UNAUTHORIZED, what);
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"palisade\""),
    );
    r
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, OPENAPI.to_owned())
}

async fn health(State(app): State<App>) -> Response {
    match app.pool.run(Store::ping).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct UploadQuery {
    branch: Option<String>,
    commit: Option<String>,
}

fn valid_ref(s: &str) -> bool {
    !s.is_empty() && s.len() <= 255 && !s.chars().any(char::is_control)
}

async fn upload(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    let Some(token) = bearer(&headers).map(str::to_owned) else {
        return unauthorized("an upload needs `Authorization: Bearer <project upload token>`");
    };
    let limiter_key = hex::encode(&sha2::Sha256::digest(token.as_bytes())[..8]);
    if !app.upload_limit.allow(&limiter_key) {
        return too_many();
    }
    let branch = q.branch.unwrap_or_else(|| "main".into());
    if !valid_ref(&branch) || q.commit.as_deref().is_some_and(|c| !valid_ref(c)) {
        return problem(StatusCode::BAD_REQUEST, "branch or commit is not valid");
    }
    let idem = match headers.get("idempotency-key").map(|v| v.to_str()) {
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 => format!("key:{k}"),
        Some(_) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Idempotency-Key must be 1-200 visible characters",
            );
        }
        None => {
            let mut h = sha2::Sha256::new();
            h.update(branch.as_bytes());
            h.update([0]);
            h.update(q.commit.as_deref().unwrap_or("").as_bytes());
            h.update([0]);
            h.update(&body);
            format!("sha256:{}", hex::encode(h.finalize()))
        }
    };
    let checked = app
        .pool
        .run(move |s: &mut Store| s.check_token(&token))
        .await;
    let (token_id, project) = match checked {
        Ok(Some(x)) => x,
        Ok(None) => return unauthorized("the upload token is unknown or revoked"),
        Err(e) => return e.into_response(),
    };
    let commit = q.commit;
    let result = app
        .pool
        .run(move |s: &mut Store| {
            // A repeat answers from the stored first answer without reading the body.
            if let Some(done) = s.find_upload(project.id, &idem)? {
                return Ok(done);
            }
            let ing = crate::ingest(&body).map_err(palisade_store::Error::Invalid)?;
            let owners = project.codeowners.as_deref().map(|text| {
                let platform = match project.codeowners_platform.as_deref() {
                    Some("gitlab") => palisade_codeowners::Platform::GitLab,
                    _ => palisade_codeowners::Platform::GitHub,
                };
                palisade_codeowners::CodeOwners::parse(text, "CODEOWNERS", platform)
            });
            let time = now();
            let by = format!("upload-token:{token_id}");
            let scans: Vec<(ScanMeta, Vec<palisade_store::NewFinding>)> = ing
                .runs
                .into_iter()
                .map(|(tool, tool_version, mut findings)| {
                    if let Some(co) = &owners {
                        for f in findings.iter_mut().filter(|f| f.owners.is_empty()) {
                            f.owners = co
                                .owners_of(&f.path)
                                .owners
                                .iter()
                                .map(|o| (*o).to_owned())
                                .collect();
                        }
                    }
                    (
                        ScanMeta {
                            repo: project.name.clone(),
                            branch: branch.clone(),
                            commit: commit.clone(),
                            tool,
                            tool_version,
                            time,
                            by: by.clone(),
                            source: Some(format!("upload ({})", ing.format)),
                        },
                        findings,
                    )
                })
                .collect();
            let comps = ing.components.unwrap_or_default();
            let up = Upload {
                project: project.id,
                idem_key: &idem,
                token: Some(token_id),
                format: ing.format,
                bytes: body.len() as u64,
                scans: &scans,
                components: (ing.format == "cyclonedx" || ing.format == "spdx")
                    .then_some((branch.as_str(), comps.as_slice())),
                dedup: true,
                details: &ing.details,
                now: time,
            };
            let name = project.name.clone();
            let format = ing.format;
            let components = comps.len();
            s.upload(&up, |id, sums| {
                let scans: Vec<serde_json::Value> = scans
                    .iter()
                    .zip(sums)
                    .map(|((m, f), s)| {
                        json!({
                            "scan": s.scan_id, "tool": m.tool, "findings": f.len(),
                            "new": s.new, "open": s.open, "reopened": s.reopened,
                            "fixed": s.fixed, "deduplicated": s.deduplicated,
                        })
                    })
                    .collect();
                json!({
                    "upload": id, "project": name, "branch": branch, "format": format,
                    "scans": scans, "components": components,
                })
                .to_string()
            })
        })
        .await;
    match result {
        Ok(out) => {
            let status = if out.replayed {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            let mut r = json_response(status, out.response);
            if out.replayed {
                r.headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
            }
            r
        }
        Err(StoreFailure::Invalid(m)) => problem(StatusCode::BAD_REQUEST, m),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct NewProject {
    name: String,
}

async fn create_project(
    State(app): State<App>,
    headers: HeaderMap,
    axum::Json(p): axum::Json<NewProject>,
) -> Response {
    if !is_admin(&app, &headers) {
        return unauthorized("the admin API needs `Authorization: Bearer <admin token>`");
    }
    match app
        .pool
        .run(move |s: &mut Store| s.create_project(&p.name, "admin", now()))
        .await
    {
        Ok(p) => json_response(
            StatusCode::CREATED,
            json!({"id": p.id, "name": p.name}).to_string(),
        ),
        Err(StoreFailure::Invalid(m)) => problem(StatusCode::BAD_REQUEST, m),
        Err(e) => e.into_response(),
    }
}

async fn list_projects(State(app): State<App>, headers: HeaderMap) -> Response {
    if !is_admin(&app, &headers) {
        return unauthorized("the admin API needs `Authorization: Bearer <admin token>`");
    }
    let sla = app.config.sla;
    match app
        .pool
        .run(move |s: &mut Store| s.overview(&sla, now(), None))
        .await
    {
        Ok(list) => {
            let v: Vec<serde_json::Value> = list
                .iter()
                .map(|p| {
                    json!({"name": p.name, "open": {"critical": p.open[4], "high": p.open[3], "medium": p.open[2], "low": p.open[1], "info": p.open[0]}, "overdue": p.overdue, "last_scan": p.last_scan})
                })
                .collect();
            json_response(StatusCode::OK, json!({ "projects": v }).to_string())
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct NewToken {
    project: String,
    #[serde(default)]
    label: Option<String>,
}

async fn create_token(
    State(app): State<App>,
    headers: HeaderMap,
    axum::Json(t): axum::Json<NewToken>,
) -> Response {
    if !is_admin(&app, &headers) {
        return unauthorized("the admin API needs `Authorization: Bearer <admin token>`");
    }
    let secret = format!("pst_{}", crate::random_token());
    let given = secret.clone();
    let res = app
        .pool
        .run(move |s: &mut Store| {
            let p = s.create_project(&t.project, "admin", now())?;
            let label = t.label.unwrap_or_else(|| "upload".into());
            let id = s.add_token(p.id, &given, &label, "admin", now())?;
            Ok((id, p.name))
        })
        .await;
    match res {
        Ok((id, project)) => json_response(
            StatusCode::CREATED,
            json!({"id": id, "project": project, "token": secret}).to_string(),
        ),
        Err(StoreFailure::Invalid(m)) => problem(StatusCode::BAD_REQUEST, m),
        Err(e) => e.into_response(),
    }
}

async fn revoke_token(State(app): State<App>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    if !is_admin(&app, &headers) {
        return unauthorized("the admin API needs `Authorization: Bearer <admin token>`");
    }
    match app
        .pool
        .run(move |s: &mut Store| s.revoke_token(id, now()))
        .await
    {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => problem(StatusCode::NOT_FOUND, "no such token, or already revoked"),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct CodeownersQuery {
    project: String,
    platform: Option<String>,
}

async fn set_codeowners(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<CodeownersQuery>,
    body: String,
) -> Response {
    if !is_admin(&app, &headers) {
        return unauthorized("the admin API needs `Authorization: Bearer <admin token>`");
    }
    let platform = match q.platform.as_deref() {
        None | Some("github") => "github",
        Some("gitlab") => "gitlab",
        Some(other) => {
            return problem(
                StatusCode::BAD_REQUEST,
                format!("platform `{other}` is not github or gitlab"),
            );
        }
    };
    let res = app
        .pool
        .run(move |s: &mut Store| {
            let p = s.create_project(&q.project, "admin", now())?;
            let text = (!body.trim().is_empty()).then_some(body.as_str());
            s.set_codeowners(p.id, text, Some(platform))
        })
        .await;
    match res {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(StoreFailure::Invalid(m)) => problem(StatusCode::BAD_REQUEST, m),
        Err(e) => e.into_response(),
    }
}
