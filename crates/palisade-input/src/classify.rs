use palisade_engine::{FileKind, Language};

/// Classifies a file by its name and content.
pub fn classify(path: &str, content: &[u8]) -> FileKind {
    let head = &content[..content.len().min(8192)];
    let is_text = memchr::memchr(0, head).is_none();
    let is_utf8 = is_text && std::str::from_utf8(content).is_ok();
    FileKind {
        language: language_of(path),
        is_text,
        is_utf8,
        size: content.len() as u64,
    }
}

/// The language of a file by its name.
pub fn language_of(path: &str) -> Language {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
        return Language::Dockerfile;
    }
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "py" | "pyi" | "pyw" => Language::Python,
        "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
        "ts" | "mts" | "cts" | "tsx" => Language::TypeScript,
        "java" => Language::Java,
        "go" => Language::Go,
        "rb" | "rake" | "gemspec" => Language::Ruby,
        "php" | "phtml" => Language::Php,
        "cs" => Language::CSharp,
        "kt" | "kts" => Language::Kotlin,
        "rs" => Language::Rust,
        "c" | "h" => Language::C,
        "cc" | "cpp" | "cxx" | "hpp" | "hh" => Language::Cpp,
        "sh" | "bash" | "zsh" => Language::Shell,
        "yml" | "yaml" => Language::Yaml,
        "json" => Language::Json,
        "toml" => Language::Toml,
        "xml" => Language::Xml,
        "tf" | "hcl" | "tfvars" => Language::Hcl,
        "md" | "markdown" => Language::Markdown,
        _ => Language::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(language_of("src/a.py"), Language::Python);
        assert_eq!(language_of("x/Dockerfile"), Language::Dockerfile);
        assert_eq!(language_of("main.tf"), Language::Hcl);
        assert_eq!(language_of("README"), Language::Other);
    }

    #[test]
    fn binary_by_nul() {
        assert!(!classify("a", b"ab\0c").is_text);
        let k = classify("a", b"caf\xe9");
        assert!(k.is_text && !k.is_utf8);
    }
}
