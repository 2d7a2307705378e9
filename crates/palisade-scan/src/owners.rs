//! Code owners: each finding gets the owners of its primary location's path, from the
//! CODEOWNERS of the repository that contains the scan root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use palisade_codeowners::CodeOwners;
use palisade_engine::finding::{Diagnostic, DiagnosticLevel, Finding};

/// A loaded CODEOWNERS file and where finding paths sit in its repository.
pub struct Owners {
    pub codeowners: CodeOwners,
    /// The repository root the file's patterns are relative to.
    pub repo_root: PathBuf,
    /// The directory finding paths are relative to (canonical).
    pub base: PathBuf,
}

impl Owners {
    /// Finds the CODEOWNERS for finding paths relative to `base` (a scan root that is
    /// a directory, or the current directory when files were named): the repository
    /// root is the git work tree containing `base`, else `base` itself. `Ok(None)` when
    /// there is no CODEOWNERS file.
    pub fn discover(base: &Path) -> Result<Option<Owners>, palisade_codeowners::Error> {
        let Ok(base) = std::fs::canonicalize(base) else {
            return Ok(None);
        };
        let repo_root = palisade_codeowners::repo_root(&base).unwrap_or_else(|| base.clone());
        let Some((file, platform)) = palisade_codeowners::discover(&repo_root) else {
            return Ok(None);
        };
        let display = file
            .strip_prefix(&repo_root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        let codeowners = CodeOwners::load(&file, &display, platform)?;
        Ok(Some(Owners {
            codeowners,
            repo_root,
            base,
        }))
    }

    /// `path` (relative to the base, as findings name it) relative to the repository
    /// root, `/`-separated; `None` when it lies outside the repository.
    pub fn repo_path(&self, path: &str) -> Option<String> {
        let full = self.base.join(path);
        let rel = full.strip_prefix(&self.repo_root).ok()?;
        Some(
            rel.to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/"),
        )
    }

    /// The invalid lines of the file, as warnings naming file and line.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.codeowners
            .invalid
            .iter()
            .map(|i| {
                Diagnostic::new(
                    DiagnosticLevel::Warning,
                    format!("{}:{}", self.codeowners.file, i.line),
                    format!(
                        "CODEOWNERS line ignored ({}): {}",
                        self.codeowners.platform, i.message
                    ),
                )
            })
            .collect()
    }

    /// Fills `owners` of every finding from its primary location's path.
    pub fn assign(&self, findings: &mut [Finding]) {
        let mut cache: HashMap<String, Vec<String>> = HashMap::new();
        for f in findings {
            if f.path().is_empty() {
                continue;
            }
            if let Some(owners) = cache.get(f.path()) {
                f.owners.clone_from(owners);
                continue;
            }
            let path = f.path().to_string();
            let owners: Vec<String> = self
                .repo_path(&path)
                .map(|p| {
                    self.codeowners
                        .owners_of(&p)
                        .owners
                        .iter()
                        .map(|s| (*s).to_string())
                        .collect()
                })
                .unwrap_or_default();
            cache.insert(path, owners.clone());
            f.owners = owners;
        }
    }
}

/// Assigns owners to `findings` whose paths are relative to `base`, and reports
/// invalid CODEOWNERS lines (or an unreadable file) in `diagnostics`. Once per scan.
pub fn assign_owners(base: &Path, findings: &mut [Finding], diagnostics: &mut Vec<Diagnostic>) {
    match Owners::discover(base) {
        Ok(Some(owners)) => {
            diagnostics.extend(owners.diagnostics());
            owners.assign(findings);
        }
        Ok(None) => {}
        Err(e) => diagnostics.push(Diagnostic::new(
            DiagnosticLevel::Warning,
            "CODEOWNERS",
            format!("{e}: findings have no owners"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use palisade_engine::finding::{Confidence, Fingerprint, Location, RuleId, Severity};

    use super::*;

    fn finding(path: &str) -> Finding {
        Finding {
            rule: RuleId::new("secrets/x"),
            severity: Severity::High,
            confidence: Confidence::High,
            message: "m".into(),
            locations: vec![Location::File {
                path: path.into(),
                span: None,
                git: None,
            }],
            fingerprint: Fingerprint(path.into()),
            snippet: None,
            fix: None,
            owners: Vec::new(),
            trace: Vec::new(),
        }
    }

    #[test]
    fn a_subdirectory_scan_uses_the_repository_codeowners_with_repository_paths() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(root.join(".github")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(root.join("svc/api")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            root.join(".github/CODEOWNERS"),
            "* @all\n/svc/api/ @api\nbad-line nobody\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut findings = vec![finding("api/key.py"), finding("other.py")];
        let mut diags = Vec::new();
        assign_owners(&root.join("svc"), &mut findings, &mut diags);
        assert_eq!(findings[0].owners, ["@api"]);
        assert_eq!(findings[1].owners, ["@all"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].path, ".github/CODEOWNERS:3");
        assert_eq!(diags[0].level, DiagnosticLevel::Warning);
    }
}
