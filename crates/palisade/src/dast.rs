//! `palisade dast URL`: crawl a running web application or API within its scope, passive checks
//! on every response, safe confirmed active checks, reported in every palisade format.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use palisade_dast::http::{ClientLimits, Login};
use palisade_dast::{OpenApiSource, Options};
use palisade_scan::{ScanOutcome, Stats};
use url::Url;

use crate::cli::OutputArgs;

#[derive(Debug, Clone, Args)]
pub struct DastArgs {
    /// The application's URL (http or https); its origin is the scope unless --scope says otherwise.
    pub url: String,
    /// Origins or path prefixes that may receive requests, e.g. https://app.example/api
    /// (repeatable, comma-separated). Anything else is recorded, never requested.
    #[arg(long, value_delimiter = ',')]
    pub scope: Vec<String>,
    /// Requests per second (0: unthrottled).
    #[arg(long, default_value_t = 20.0)]
    pub rps: f64,
    /// Stop after this many requests.
    #[arg(long, default_value_t = 10_000)]
    pub max_requests: u64,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub time_budget: u64,
    /// Seconds allowed per request (connect, headers and body).
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,
    /// Read at most this much of any response (e.g. 2MiB).
    #[arg(long, default_value = "2MiB")]
    pub max_response_size: String,
    /// Pages the crawl may request.
    #[arg(long, default_value_t = 500)]
    pub max_pages: usize,
    /// Link depth from the start URL.
    #[arg(long, default_value_t = 8)]
    pub max_depth: usize,
    /// Send nothing but the crawl's GET requests: passive checks only.
    #[arg(long)]
    pub passive_only: bool,
    /// Also send PUT, PATCH, DELETE and state-changing POSTs (forms, API operations).
    #[arg(long)]
    pub allow_unsafe_methods: bool,
    /// A header for every request, `Name: value` (repeatable), e.g. an Authorization header.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// A cookie for every request, `name=value` (repeatable).
    #[arg(long = "cookie", value_name = "NAME=VALUE")]
    pub cookies: Vec<String>,
    /// A login form's URL: palisade POSTs --login-data there first and whenever the session is lost.
    #[arg(long, requires = "login_data")]
    pub login_url: Option<String>,
    /// The login request body: `user=alice&pass=...` (form) or a JSON document.
    #[arg(
        long,
        requires = "login_url",
        env = "PALISADE_DAST_LOGIN_DATA",
        hide_env_values = true
    )]
    pub login_data: Option<String>,
    /// A regex that marks a page as "logged out" (besides 401 and redirects to the login URL).
    #[arg(long, requires = "login_url")]
    pub logged_out_regex: Option<String>,
    /// A second user's header, `Name: value` (repeatable): objects session A reads are
    /// requested as B to find broken object-level authorisation.
    #[arg(long = "session-b", value_name = "NAME: VALUE")]
    pub session_b: Vec<String>,
    /// An OpenAPI 3 / Swagger 2 document, a file or an in-scope URL (repeatable).
    #[arg(long, value_name = "FILE|URL")]
    pub openapi: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub store: crate::triage::ScanStoreArgs,
}

fn header(s: &str) -> Result<(String, String)> {
    let (n, v) = s
        .split_once(':')
        .with_context(|| format!("`{s}` is not a header; write `Name: value`"))?;
    Ok((n.trim().to_owned(), v.trim().to_owned()))
}

fn options(args: &DastArgs) -> Result<Options> {
    let target = Url::parse(&args.url).with_context(|| {
        format!(
            "`{}` is not a URL; write e.g. https://staging.example/",
            args.url
        )
    })?;
    let mut o = Options::new(target.clone());
    o.scope = args.scope.clone();
    let max_body = palisade_input::parse_size(&args.max_response_size).with_context(|| {
        format!(
            "`{}` is not a size; write e.g. 2MiB",
            args.max_response_size
        )
    })?;
    if args.rps < 0.0 || !args.rps.is_finite() {
        bail!("--rps must be 0 (unthrottled) or a positive number");
    }
    o.limits = ClientLimits {
        rps: args.rps,
        max_requests: args.max_requests,
        time_budget: Duration::from_secs(args.time_budget),
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_body,
    };
    o.max_pages = args.max_pages;
    o.max_depth = args.max_depth;
    o.passive_only = args.passive_only;
    o.allow_unsafe_methods = args.allow_unsafe_methods;
    o.headers = args
        .headers
        .iter()
        .map(|h| header(h))
        .collect::<Result<_>>()?;
    o.session_b = args
        .session_b
        .iter()
        .map(|h| header(h))
        .collect::<Result<_>>()?;
    for c in &args.cookies {
        let (n, v) = c
            .split_once('=')
            .with_context(|| format!("`{c}` is not a cookie; write `name=value`"))?;
        o.cookies.push((n.trim().to_owned(), v.trim().to_owned()));
    }
    if let (Some(u), Some(d)) = (&args.login_url, &args.login_data) {
        let url = target
            .join(u)
            .with_context(|| format!("`{u}` is not a URL"))?;
        let logged_out = args
            .logged_out_regex
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .context("--logged-out-regex is not a valid regex")?;
        o.login = Some(Login {
            url,
            data: d.clone(),
            logged_out,
        });
    }
    for s in &args.openapi {
        if s.starts_with("http://") || s.starts_with("https://") {
            o.openapi.push(OpenApiSource::Url(
                Url::parse(s).with_context(|| format!("`{s}` is not a URL"))?,
            ));
        } else {
            let text = std::fs::read_to_string(s)
                .with_context(|| format!("cannot read the OpenAPI document {s}"))?;
            o.openapi.push(OpenApiSource::Text {
                name: s.clone(),
                text,
            });
        }
    }
    Ok(o)
}

pub fn dast_command(args: &DastArgs, offline: bool) -> Result<ExitCode> {
    if offline {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "error: `palisade dast` sends requests to the target; drop --offline (or PALISADE_OFFLINE) to run it"
        );
        return Ok(ExitCode::from(2));
    }
    let opts = options(args)?;
    let out = palisade_dast::run(&opts).with_context(|| format!("cannot scan {}", args.url))?;
    let s = &out.stats;
    let outcome = ScanOutcome {
        findings: out.findings.clone(),
        diagnostics: out.diagnostics.clone(),
        stats: Stats {
            files_scanned: s.endpoints as u64,
            elapsed: s.elapsed,
            ..Stats::default()
        },
    };
    let rules: Vec<&palisade_engine::RuleMeta> = palisade_dast::rules::rules()?.iter().collect();
    let root = Path::new(".");
    // Findings belong to the deployed application: without --repo, the target's origin names
    // it (and `dast` the branch) unless the command runs inside a git checkout.
    let mut store = args.store.clone();
    if store.scope.repo.is_none() && !in_git(root) {
        let t = &opts.target;
        store.scope.repo = Some(format!("{}://{}", t.scheme(), t.host_str().unwrap_or("")));
        if let Some(p) = t.port() {
            store.scope.repo = store.scope.repo.map(|r| format!("{r}:{p}"));
        }
        store.scope.branch.get_or_insert_with(|| "dast".into());
    }
    let trend_first = args.store.store.is_some()
        && args.output.format.to_report() == palisade_report::Format::Html;
    let trend = if trend_first {
        crate::triage::record_scan_as(
            &store,
            root,
            &outcome.findings,
            &rules,
            true,
            "palisade-dast",
        )?
    } else {
        Vec::new()
    };
    crate::commands::write_report(
        &outcome,
        &rules,
        &[],
        args.output.format.to_report(),
        &args.output,
        trend,
    )?;
    if !trend_first {
        crate::triage::record_scan_as(
            &store,
            root,
            &outcome.findings,
            &rules,
            false,
            "palisade-dast",
        )?;
    }
    summary(&out.stats, args.output.verbose);
    Ok(crate::commands::exit_code(&outcome, args.output.fail_on))
}

fn summary(s: &palisade_dast::Stats, verbose: bool) {
    let mut err = std::io::stderr().lock();
    let methods: Vec<String> = s
        .by_method
        .iter()
        .map(|(m, n)| format!("{m} {n}"))
        .collect();
    let _ = writeln!(
        err,
        "dast: {} request(s) ({}) in {:.1}s, {:.0} req/s; {} page(s), {} endpoint(s); {} failed",
        s.requests,
        methods.join(", "),
        s.elapsed.as_secs_f64(),
        s.requests as f64 / s.elapsed.as_secs_f64().max(0.001),
        s.pages,
        s.endpoints,
        s.failed
    );
    if let Some(g) = &s.grade {
        let _ = writeln!(
            err,
            "dast: security headers grade {} ({}/100)",
            g.grade, g.score
        );
    }
    if !s.graphql_endpoints.is_empty() {
        let _ = writeln!(err, "dast: GraphQL at {}", s.graphql_endpoints.join(", "));
    }
    let _ = writeln!(
        err,
        "dast: {} out-of-scope URL(s) seen and not requested{}",
        s.out_of_scope.len(),
        if verbose || s.out_of_scope.is_empty() {
            ""
        } else {
            " (-v lists them)"
        }
    );
    if verbose {
        for u in &s.out_of_scope {
            let _ = writeln!(err, "  out of scope: {u}");
        }
    }
    if s.refused_unsafe > 0 {
        let _ = writeln!(
            err,
            "dast: {} unsafe request(s) not sent (PUT/PATCH/DELETE/POST forms and operations); --allow-unsafe-methods sends them",
            s.refused_unsafe
        );
    }
    if s.relogins > 0 {
        let _ = writeln!(
            err,
            "dast: session lost and re-established {} time(s)",
            s.relogins
        );
    }
    if let Some(b) = &s.budget_hit {
        let _ = writeln!(
            err,
            "dast: stopped early: {b} spent (raise --max-requests / --time-budget)"
        );
    }
}

fn in_git(dir: &Path) -> bool {
    let Ok(abs) = dir.canonicalize() else {
        return false;
    };
    abs.ancestors().any(|a| a.join(".git").exists())
}
