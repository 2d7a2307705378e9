//! The languages the engine parses, their tree-sitter grammars and their small quirks.

use std::time::Instant;

use tree_sitter::{Parser, Tree};

/// A language with a grammar. TypeScript files ending in `.tsx` use the TSX grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Java,
    Go,
    Ruby,
    Php,
    CSharp,
    Kotlin,
}

impl Lang {
    pub const ALL: [Lang; 10] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Java,
        Lang::Go,
        Lang::Ruby,
        Lang::Php,
        Lang::CSharp,
        Lang::Kotlin,
    ];

    /// A rule's `languages:` entry (Semgrep's names and aliases).
    pub fn from_rule_name(name: &str) -> Option<&'static [Lang]> {
        Some(match name.to_ascii_lowercase().as_str() {
            "python" | "py" | "python3" => &[Lang::Python],
            "javascript" | "js" => &[Lang::JavaScript],
            "typescript" | "ts" => &[Lang::TypeScript, Lang::Tsx],
            "tsx" => &[Lang::Tsx],
            "java" => &[Lang::Java],
            "go" | "golang" => &[Lang::Go],
            "ruby" | "rb" => &[Lang::Ruby],
            "php" => &[Lang::Php],
            "csharp" | "c#" | "cs" => &[Lang::CSharp],
            "kotlin" | "kt" => &[Lang::Kotlin],
            _ => return None,
        })
    }

    /// The language of a file, by extension.
    pub fn from_path(path: &str) -> Option<Lang> {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        Some(match ext.as_str() {
            "py" | "pyi" | "pyw" => Lang::Python,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "java" => Lang::Java,
            "go" => Lang::Go,
            "rb" => Lang::Ruby,
            "php" | "phtml" => Lang::Php,
            "cs" => Lang::CSharp,
            "kt" | "kts" => Lang::Kotlin,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Java => "java",
            Lang::Go => "go",
            Lang::Ruby => "ruby",
            Lang::Php => "php",
            Lang::CSharp => "csharp",
            Lang::Kotlin => "kotlin",
        }
    }

    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Lang::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Lang::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Lang::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
        }
    }

    /// Node kinds that are string literals: matched as one value, quotes and prefixes aside.
    pub fn is_string_kind(self, kind: &str) -> bool {
        matches!(
            kind,
            "string"
                | "string_literal"
                | "interpreted_string_literal"
                | "raw_string_literal"
                | "encapsed_string"
                | "verbatim_string_literal"
                | "template_string"
                | "character_literal"
                | "text_block"
                | "raw_string"
                | "heredoc"
                | "interpolated_string_expression"
                | "multiline_string_literal"
        )
    }

    /// Node kinds forming dotted names (`a.b.c`), resolved through import aliases.
    pub fn is_chain_kind(self, kind: &str) -> bool {
        match self {
            Lang::Python => matches!(kind, "identifier" | "attribute" | "dotted_name"),
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
                matches!(kind, "identifier" | "member_expression")
            }
            Lang::Java => matches!(kind, "identifier" | "field_access" | "scoped_identifier"),
            Lang::Go => matches!(
                kind,
                "identifier" | "selector_expression" | "qualified_type" | "package_identifier"
            ),
            Lang::CSharp => matches!(kind, "identifier" | "member_access_expression"),
            Lang::Kotlin => matches!(kind, "identifier" | "navigation_expression"),
            Lang::Ruby | Lang::Php => false,
        }
    }

    /// The ways a pattern is embedded in a file so the grammar accepts it: (prefix, suffix).
    pub fn pattern_wrappers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::Php => &[
                ("<?php\n", "\n"),
                ("<?php\n", ";\n"),
                ("<?php\nclass __W {\n", "\n}\n"),
            ],
            Lang::Go => &[
                ("package __w\nfunc __w() {\n", "\n}\n"),
                ("package __w\n", "\n"),
                ("package __w\nvar __w = ", "\n"),
            ],
            Lang::Java => &[
                ("", "\n"),
                ("", ";\n"),
                ("class __W { void __w() {\n", ";\n}}\n"),
                ("class __W {\n", "\n}\n"),
                ("class __W { void __w() {\n", "\n}}\n"),
                // an annotation/attribute on its own: on a member
                ("class __W {\n", "\nvoid __w() {}\n}\n"),
                // an expression that is not a statement (`a[i]`, a literal)
                ("class __W { object __w = ", ";\n}\n"),
            ],
            Lang::CSharp => &[
                ("", "\n"),
                ("", ";\n"),
                ("class __W { void __w() {\n", ";\n}}\n"),
                ("class __W {\n", "\n}\n"),
                ("class __W { void __w() {\n", "\n}}\n"),
                // an annotation/attribute on its own: on a member
                ("class __W {\n", "\nvoid __w() {}\n}\n"),
                // an expression that is not a statement (`a[i]`, a literal)
                ("class __W { object __w = ", ";\n}\n"),
            ],
            Lang::Kotlin => &[
                ("", "\n"),
                ("fun __w() {\n", "\n}\n"),
                ("", "\nfun __w() {}\n"),
                ("class __W {\n", "\n}\n"),
            ],
            // `{...}` alone is a block: also try it as an expression
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => &[("", "\n"), ("(", ")\n")],
            _ => &[("", "\n")],
        }
    }

    /// Whether `$name` is the language's own variable syntax (PHP): metavariables keep the `$`.
    pub fn dollar_variables(self) -> bool {
        matches!(self, Lang::Php)
    }

    /// Whether a statement needs a `;` (for the statement-level `...` placeholder).
    pub fn semicolons(self) -> bool {
        matches!(self, Lang::Java | Lang::CSharp | Lang::Php)
    }
}

/// Parses `src`, giving up at `deadline`. `None` when the deadline passed.
pub fn parse(lang: Lang, src: &[u8], deadline: Option<Instant>) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(&lang.grammar()).ok()?;
    let len = src.len();
    let mut read = |i: usize, _| -> &[u8] { if i < len { &src[i..] } else { &[] } };
    match deadline {
        None => parser.parse_with_options(&mut read, None, None),
        Some(d) => {
            let mut calls = 0u32;
            let mut progress = |_: &tree_sitter::ParseState| {
                calls = calls.wrapping_add(1);
                calls.is_multiple_of(64) && Instant::now() > d
            };
            let opts = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
            parser.parse_with_options(&mut read, None, Some(opts))
        }
    }
}
