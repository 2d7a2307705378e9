//! `palisade threat-model` and `palisade asvs`: threats, diagrams, diffs and ASVS checklists
//! from a model kept beside the code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use palisade_threat::{asvs, render};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ThreatModelArgs {
    #[command(subcommand)]
    pub command: Option<ThreatModelCommand>,
    /// The model (YAML).
    pub file: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ThreatFormat::Text)]
    pub format: ThreatFormat,
    /// Write the report here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Also write the data-flow diagram as SVG.
    #[arg(long, value_name = "OUT.svg")]
    pub diagram: Option<PathBuf>,
    /// Also write the diagram as a Mermaid flowchart.
    #[arg(long, value_name = "OUT")]
    pub mermaid: Option<PathBuf>,
    /// Also write the diagram as Graphviz DOT.
    #[arg(long, value_name = "OUT")]
    pub dot: Option<PathBuf>,
    /// Format of the model file.
    #[arg(long, value_enum, default_value_t = ModelFormat::Palisade)]
    pub from: ModelFormat,
    /// Exit 1 when an unchecked, in-discussion or in-progress threat is at or above this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnSeverity>,
}

#[derive(Debug, Subcommand)]
pub enum ThreatModelCommand {
    /// Write a commented starter model.
    Init {
        /// Where to write it.
        #[arg(default_value = "threat-model.yaml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of the model format.
    Schema,
    /// Threats added and removed between two versions of a model.
    Diff {
        /// `OLD NEW`, or with --baseline-ref just the model.
        #[arg(num_args = 1..=2, required = true)]
        files: Vec<PathBuf>,
        /// Compare the model with its version at this git revision (branch, tag, commit).
        #[arg(long, value_name = "REV")]
        baseline_ref: Option<String>,
        /// `text` or `sarif` (SARIF lists the added threats).
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// List the built-in threat rules.
    Rules,
    /// Convert a model from another tool (Threagile YAML, Threat Dragon v2 JSON) into palisade YAML.
    Convert {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ModelFormat::Threagile)]
        from: ModelFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModelFormat {
    Palisade,
    Threagile,
    /// OWASP Threat Dragon v2 JSON.
    ThreatDragon,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ThreatFormat {
    Text,
    Json,
    Sarif,
    Markdown,
    Html,
    /// OWASP Threat Dragon v2 JSON (diagram plus threats), for import into Threat Dragon.
    ThreatDragon,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Text,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOnSeverity {
    Critical,
    High,
    Medium,
    Low,
}

#[derive(Debug, Subcommand)]
pub enum AsvsCommand {
    /// An ASVS 5.0.0 checklist, scoped by a threat model, with recorded evidence.
    Checklist(ChecklistArgs),
}

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// ASVS level (1, 2 or 3); a level includes the levels below.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub level: u8,
    /// Threat model used to mark chapters not applicable (with the reason).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Evidence YAML (requirement id -> status, justification, link); defaults to
    /// `asvs-evidence.yaml` beside the model when it exists.
    #[arg(long)]
    pub evidence: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ChecklistFormat::Markdown)]
    pub format: ChecklistFormat,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChecklistFormat {
    Markdown,
    Csv,
    Cyclonedx,
}

const MAX_BYTES: u64 = palisade_threat::model::MAX_MODEL_BYTES as u64;

fn read(path: &Path) -> Result<String> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > MAX_BYTES {
        bail!("{} is larger than {MAX_BYTES} bytes", path.display());
    }
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} (is it UTF-8 text?)", path.display()))
}

fn load(path: &Path) -> Result<(palisade_threat::Model, String)> {
    load_as(path, ModelFormat::Palisade)
}

fn load_as(path: &Path, from: ModelFormat) -> Result<(palisade_threat::Model, String)> {
    let text = read(path)?;
    let name = path.display().to_string();
    let model = match from {
        ModelFormat::Palisade => palisade_threat::parse(&name, &text),
        ModelFormat::Threagile => palisade_threat::threagile::import(&name, &text),
        ModelFormat::ThreatDragon => palisade_threat::threat_dragon::import(&name, &text),
    }
    .map_err(|e| anyhow::anyhow!("{e}\nhint: `palisade threat-model schema` prints every field"))?;
    Ok((model, text))
}

fn emit(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

pub fn threat_model_command(args: &ThreatModelArgs) -> Result<ExitCode> {
    match &args.command {
        Some(ThreatModelCommand::Init { path, force }) => {
            if path.exists() && !force {
                bail!("{} exists; pass --force to overwrite it", path.display());
            }
            std::fs::write(path, palisade_threat::STARTER_MODEL)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut e = std::io::stderr().lock();
            let _ = writeln!(
                e,
                "wrote {}; run `palisade threat-model {}`",
                path.display(),
                path.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Some(ThreatModelCommand::Schema) => {
            emit(None, &(palisade_threat::model::json_schema() + "\n"))?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(ThreatModelCommand::Rules) => {
            let mut s = String::new();
            for r in palisade_threat::rules::builtin()? {
                s.push_str(&format!(
                    "{}\t{}\t{:?}\t{}\n",
                    r.id,
                    r.severity.as_str(),
                    r.category,
                    r.title
                ));
            }
            emit(None, &s)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(ThreatModelCommand::Convert { file, from }) => {
            let (m, _) = load_as(file, *from)?;
            emit(None, &palisade_threat::model::to_yaml(&m)?)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(ThreatModelCommand::Diff {
            files,
            baseline_ref,
            format,
        }) => {
            let (om, nm, ntext, new) = match (files.as_slice(), baseline_ref) {
                ([file], Some(rev)) => {
                    let old_text = at_revision(file, rev)?;
                    let om =
                        palisade_threat::parse(&format!("{rev}:{}", file.display()), &old_text)
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                    let (nm, ntext) = load(file)?;
                    (om, nm, ntext, file.clone())
                }
                ([old, new], None) => {
                    let (om, _) = load(old)?;
                    let (nm, ntext) = load(new)?;
                    (om, nm, ntext, new.clone())
                }
                _ => bail!("give OLD NEW, or --baseline-ref REV with one model file"),
            };
            let d = palisade_threat::diff(
                &palisade_threat::analyze(&om)?,
                &palisade_threat::analyze(&nm)?,
            );
            let text = match format {
                DiffFormat::Text => render::diff_text(&d),
                DiffFormat::Sarif => {
                    render::sarif(&d.added, &new.display().to_string(), &ntext) + "\n"
                }
            };
            emit(None, &text)?;
            return Ok(if d.added.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        None => {}
    }
    let Some(file) = &args.file else {
        bail!("give a model file, or one of: init, schema, diff, rules (see --help)");
    };
    let (model, text) = load_as(file, args.from)?;
    let analysis = palisade_threat::analyze(&model)?;
    let report = match args.format {
        ThreatFormat::Text => render::text(&analysis),
        ThreatFormat::Json => render::json(&analysis) + "\n",
        ThreatFormat::Sarif => {
            render::sarif(&analysis.threats, &file.display().to_string(), &text) + "\n"
        }
        ThreatFormat::Markdown => render::markdown(&analysis),
        ThreatFormat::Html => render::html(&analysis, &model),
        ThreatFormat::ThreatDragon => render::threat_dragon(&model, &analysis) + "\n",
    };
    emit(args.output.as_deref(), &report)?;
    if let Some(p) = &args.diagram {
        emit(Some(p), &render::svg(&model))?;
    }
    if let Some(p) = &args.mermaid {
        emit(Some(p), &render::mermaid(&model))?;
    }
    if let Some(p) = &args.dot {
        emit(Some(p), &render::dot(&model))?;
    }
    if let Some(fail) = args.fail_on {
        use palisade_threat::model::Status;
        use palisade_threat::rules::Severity;
        let min = match fail {
            FailOnSeverity::Critical => Severity::Critical,
            FailOnSeverity::High => Severity::High,
            FailOnSeverity::Medium => Severity::Medium,
            FailOnSeverity::Low => Severity::Low,
        };
        if analysis.threats.iter().any(|t| {
            t.severity >= min
                && matches!(
                    t.status,
                    Status::Unchecked | Status::InDiscussion | Status::InProgress
                )
        }) {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn asvs_command(cmd: &AsvsCommand) -> Result<ExitCode> {
    let AsvsCommand::Checklist(args) = cmd;
    let model = match &args.model {
        Some(p) => Some(load(p)?.0),
        None => None,
    };
    let evidence_path = args.evidence.clone().or_else(|| {
        let p = args.model.as_ref()?.parent()?.join("asvs-evidence.yaml");
        p.exists().then_some(p)
    });
    let evidence = match &evidence_path {
        Some(p) => Some(
            asvs::parse_evidence(&p.display().to_string(), &read(p)?)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        None => None,
    };
    let rows = asvs::checklist(args.level, model.as_ref(), evidence.as_ref());
    let subject = model.as_ref().map_or("application", |m| m.title.as_str());
    let out = match args.format {
        ChecklistFormat::Markdown => asvs::markdown(&rows, args.level),
        ChecklistFormat::Csv => asvs::csv(&rows),
        ChecklistFormat::Cyclonedx => asvs::cyclonedx(&rows, args.level, subject) + "\n",
    };
    emit(args.output.as_deref(), &out)?;
    Ok(ExitCode::SUCCESS)
}

/// The text of `file` at git revision `rev`.
fn at_revision(file: &Path, rev: &str) -> Result<String> {
    let wt = palisade_git::tree::Worktree::discover(file)?;
    let rel = wt
        .relative(file)
        .with_context(|| format!("{} is not inside the git work tree", file.display()))?;
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut diags = Vec::new();
    let entry = wt
        .files(rev, dir, &mut diags)?
        .into_iter()
        .find(|f| f.path == rel)
        .with_context(|| {
            format!("{rel} does not exist at {rev}; without an old version every threat is new")
        })?;
    let mut buf = Vec::new();
    wt.read_blob(&entry.id, MAX_BYTES, &mut buf)
        .map_err(|e| anyhow::anyhow!(e))?
        .with_context(|| format!("{rel} at {rev} is larger than {MAX_BYTES} bytes"))?;
    String::from_utf8(buf).with_context(|| format!("{rel} at {rev} is not UTF-8"))
}
