//! `palisade serve` (the dashboard and upload API), its upload-token commands, and
//! `palisade scan --upload URL --token T`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use palisade_store::Store;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    #[command(flatten)]
    pub opts: ServeOpts,
}

#[derive(Debug, Clone, Args)]
pub struct ServeOpts {
    /// The findings store: an SQLite file (the default: .palisade/findings.db in the
    /// repository, else the user data directory) or a postgres:// URL.
    #[arg(long, env = "PALISADE_STORE", value_name = "URL")]
    pub store: Option<String>,
    /// Address to listen on (default 127.0.0.1:8080; set 0.0.0.0:PORT deliberately).
    #[arg(long, env = "PALISADE_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    /// The URL people reach the dashboard at (its origin is checked on every form post;
    /// https:// turns on HSTS and __Host- secure cookies).
    #[arg(long, env = "PALISADE_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// The admin bootstrap token (at least 16 characters; default: a new one, printed).
    #[arg(long, env = "PALISADE_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Configuration file (TOML: store, bind, public_url, admin_token, max_upload,
    /// upload_rate_per_minute, login_rate_per_minute, pool_size, [oidc]).
    #[arg(long, env = "PALISADE_SERVE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Largest accepted upload (e.g. 64MiB).
    #[arg(long, env = "PALISADE_MAX_UPLOAD")]
    pub max_upload: Option<String>,
    /// OpenID Connect issuer URL for single sign-on.
    #[arg(long, env = "PALISADE_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// OpenID Connect client id.
    #[arg(long, env = "PALISADE_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// OpenID Connect client secret (none: a public client with PKCE).
    #[arg(long, env = "PALISADE_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// Store connections (concurrent store operations; default 8).
    #[arg(long, env = "PALISADE_POOL_SIZE")]
    pub pool_size: Option<usize>,
    /// Uploads per minute per token (default 600; 0: unlimited).
    #[arg(long, env = "PALISADE_UPLOAD_RATE")]
    pub upload_rate: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Upload tokens: create (printed once; stored hashed), list, revoke.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an upload token for a project (created when new); prints the token.
    Create {
        /// The project (the repository name its findings are recorded under).
        project: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "ci")]
        label: String,
        #[arg(long, env = "PALISADE_STORE", value_name = "URL")]
        store: Option<String>,
    },
    /// List upload tokens (never their secrets).
    List {
        #[arg(long, env = "PALISADE_STORE", value_name = "URL")]
        store: Option<String>,
    },
    /// Revoke an upload token by id.
    Revoke {
        id: i64,
        #[arg(long, env = "PALISADE_STORE", value_name = "URL")]
        store: Option<String>,
    },
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn store_url(given: Option<&str>) -> Result<String> {
    let here = std::env::current_dir().context("no current directory")?;
    crate::triage::resolve_store(given, &here)
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    match args.command {
        Some(ServeCommand::Token { command }) => token(command),
        None => serve(&args.opts),
    }
}

fn token(cmd: TokenCommand) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cmd {
        TokenCommand::Create {
            project,
            label,
            store,
        } => {
            let url = store_url(store.as_deref())?;
            let mut s = Store::open(&url)
                .with_context(|| format!("cannot open {}", palisade_store::describe_url(&url)))?;
            let p = s.create_project(&project, &crate::triage::actor(None), now())?;
            let secret = format!("pst_{}", palisade_serve::random_token());
            let id = s.add_token(p.id, &secret, &label, &crate::triage::actor(None), now())?;
            writeln!(out, "{secret}")?;
            let _ = writeln!(
                std::io::stderr(),
                "token #{id} for {} (shown once; only its hash is stored). Upload with: palisade scan --upload URL --token TOKEN",
                p.name
            );
        }
        TokenCommand::List { store } => {
            let url = store_url(store.as_deref())?;
            let mut s = Store::open(&url)?;
            for t in s.tokens(None)? {
                writeln!(
                    out,
                    "{}\t{}\t{}\tcreated {} by {}\t{}",
                    t.id,
                    t.project,
                    t.label,
                    palisade_store::time::format_date(t.created_at),
                    t.created_by,
                    match t.revoked_at {
                        Some(r) => format!("revoked {}", palisade_store::time::format_date(r)),
                        None => "active".into(),
                    }
                )?;
            }
        }
        TokenCommand::Revoke { id, store } => {
            let url = store_url(store.as_deref())?;
            let mut s = Store::open(&url)?;
            if !s.revoke_token(id, now())? {
                bail!("no active token #{id}; `palisade serve token list` shows them");
            }
            let _ = writeln!(std::io::stderr(), "token #{id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(o: &ServeOpts) -> Result<ExitCode> {
    let file = match &o.config {
        Some(p) => palisade_serve::FileConfig::load(p)?,
        None => palisade_serve::FileConfig::default(),
    };
    let store = store_url(o.store.as_deref().or(file.store.as_deref()))?;
    let mut c = palisade_serve::Config::new(store);
    let bind = o
        .bind
        .clone()
        .or(file.bind.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    c.bind = bind
        .parse::<SocketAddr>()
        .with_context(|| format!("--bind `{bind}` is not an address:port, e.g. 127.0.0.1:8080"))?;
    c.public_url = o.public_url.clone().or(file.public_url.clone());
    c.admin_token = o.admin_token.clone().or(file.admin_token.clone());
    if let Some(m) = o.max_upload.as_ref().or(file.max_upload.as_ref()) {
        let n = palisade_input::parse_size(m)
            .with_context(|| format!("--max-upload `{m}` is not a size; write e.g. 64MiB"))?;
        c.max_upload_bytes = usize::try_from(n).unwrap_or(usize::MAX);
    }
    if let Some(n) = o.pool_size.or(file.pool_size) {
        c.pool_size = n.clamp(1, 256);
    }
    if let Some(n) = o.upload_rate.or(file.upload_rate_per_minute) {
        c.upload_rate_per_minute = n;
    }
    if let Some(n) = file.login_rate_per_minute {
        c.login_rate_per_minute = n;
    }
    c.oidc = match (&o.oidc_issuer, &o.oidc_client_id) {
        (Some(issuer), Some(id)) => Some(palisade_serve::OidcConfig {
            issuer: issuer.clone(),
            client_id: id.clone(),
            client_secret: o.oidc_client_secret.clone(),
            default_role: None,
            allow_loopback_http: false,
        }),
        (None, None) => file.oidc.clone(),
        _ => bail!("single sign-on needs both --oidc-issuer and --oidc-client-id"),
    };
    c.sla = crate::triage::sla_from_config(None)?;
    c.rules = crate::registry::all_rules().unwrap_or_default();
    let generated = c.admin_token.is_none();
    let store_shown = palisade_store::describe_url(&c.store);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let running = palisade_serve::start(c).await?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "palisade serve: {} (store: {store_shown})", running.url)?;
            if generated {
                writeln!(
                    out,
                    "admin token (this run only; set --admin-token or PALISADE_ADMIN_TOKEN to keep one): {}",
                    running.admin_token
                )?;
            }
            out.flush()?;
        }
        running.wait_for_signal().await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `--upload URL --token T` on `palisade scan`.
#[derive(Debug, Clone, Args)]
pub struct UploadArgs {
    /// Upload the findings (palisade JSON) to a `palisade serve` at this URL.
    #[arg(long, env = "PALISADE_UPLOAD_URL", value_name = "URL")]
    pub upload: Option<String>,
    /// The project's upload token.
    #[arg(
        long,
        env = "PALISADE_UPLOAD_TOKEN",
        hide_env_values = true,
        requires = "upload"
    )]
    pub token: Option<String>,
}

/// Sends a scan's JSON report to the server; the branch and commit come from git (or
/// --branch/--commit).
pub fn upload_scan(
    args: &UploadArgs,
    scope: &crate::triage::ScopeArgs,
    root: &std::path::Path,
    json: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<()> {
    let Some(base) = &args.upload else {
        return Ok(());
    };
    let Some(token) = &args.token else {
        bail!(
            "--upload needs --token (or PALISADE_UPLOAD_TOKEN): create one with `palisade serve token create PROJECT`"
        );
    };
    let (_, branch, commit) = crate::triage::scope_of(scope, root)
        .unwrap_or_else(|_| (String::new(), "main".into(), None));
    let body = json()?;
    let mut url = format!(
        "{}/api/v1/uploads?branch={}",
        base.trim_end_matches('/'),
        enc(&branch)
    );
    if let Some(c) = &commit {
        url.push_str(&format!("&commit={}", enc(c)));
    }
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(300)))
        .build()
        .new_agent();
    let mut last = String::new();
    // Retries are safe: the server deduplicates by the body's digest.
    for attempt in 0..4 {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_secs(1 << attempt));
        }
        let resp = agent
            .post(&url)
            .header("authorization", &format!("Bearer {token}"))
            .header("content-type", "application/json")
            .send(&body[..]);
        match resp {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let text = r.body_mut().read_to_string().unwrap_or_default();
                if status == 200 || status == 201 {
                    let _ = writeln!(std::io::stderr(), "uploaded to {base}: {}", text.trim());
                    return Ok(());
                }
                last = format!("{status}: {}", text.trim());
                if !(status == 503 || status == 429 || status >= 500) {
                    break;
                }
            }
            Err(e) => last = e.to_string(),
        }
    }
    bail!("the upload to {base} failed ({last}); the scan's own report is complete")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
