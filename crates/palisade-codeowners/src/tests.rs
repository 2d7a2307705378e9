use super::*;

fn gh(text: &str) -> CodeOwners {
    CodeOwners::parse(text, "CODEOWNERS", Platform::GitHub)
}

fn gl(text: &str) -> CodeOwners {
    CodeOwners::parse(text, "CODEOWNERS", Platform::GitLab)
}

fn owners(co: &CodeOwners, path: &str) -> Vec<String> {
    co.owners_of(path)
        .owners
        .iter()
        .map(|s| (*s).to_string())
        .collect()
}

#[track_caller]
fn check(co: &CodeOwners, cases: &[(&str, &[&str])]) {
    assert!(co.invalid.is_empty(), "{:?}", co.invalid);
    for (path, want) in cases {
        assert_eq!(owners(co, path), *want, "owners of {path}");
    }
}

// The example file of GitHub's "About code owners" page
// (docs.github.com/.../customizing-your-repository/about-code-owners), re-typed.
const GITHUB_EXAMPLE: &str = "\
# This is a comment.
# Each line is a file pattern followed by one or more owners.

# These owners will be the default owners for everything in
# the repo. Unless a later match takes precedence,
*       @global-owner1 @global-owner2

# Order is important; the last matching pattern takes the most precedence.
*.js    @js-owner #This is an inline comment.

# You can also use email addresses if you prefer.
*.go docs@example.com

# Teams can be specified as code owners as well.
*.txt @octo-org/octocats

# In this example, @doctocat owns any files in the build/logs
# directory at the root of the repository and any of its subdirectories.
/build/logs/ @doctocat

# The `docs/*` pattern will match files like
# `docs/getting-started.md` but not further nested files like
# `docs/build-app/troubleshooting.md`.
docs/*  docs@example.com

# In this example, @octocat owns any file in an apps directory
# anywhere in your repository.
apps/ @octocat

# In this example, @doctocat owns any file in the `/docs`
# directory in the root of your repository and any of its subdirectories.
/docs/ @doctocat

# In this example, any change inside the `/scripts` directory
# will require approval from @doctocat or @octocat.
/scripts/ @doctocat @octocat

# In this example, @octocat owns any file in a `/logs` directory such as
# `/build/logs`, `/scripts/logs`, and `/deeply/nested/logs`.
**/logs @octocat
";

const GLOBAL: &[&str] = &["@global-owner1", "@global-owner2"];

#[test]
fn github_documented_example() {
    let co = gh(GITHUB_EXAMPLE);
    check(
        &co,
        &[
            ("README.md", GLOBAL),
            ("src/lib.rs", GLOBAL),
            ("app.js", &["@js-owner"]),
            ("web/static/app.js", &["@js-owner"]),
            ("main.go", &["docs@example.com"]),
            ("notes/todo.txt", &["@octo-org/octocats"]),
            ("build/logs/today.txt", &["@octocat"]), // `**/logs` is later
            ("build/out.bin", GLOBAL),
            // `/docs/` comes after `docs/*`, so it decides both.
            ("docs/getting-started.md", &["@doctocat"]),
            ("docs/build-app/troubleshooting.md", &["@doctocat"]),
            ("apps/web/main.rs", &["@octocat"]),
            ("deep/apps/x.rs", &["@octocat"]),
            ("scripts/deploy.sh", &["@doctocat", "@octocat"]),
            ("scripts/logs/a.log", &["@octocat"]),
            ("deeply/nested/logs/a.log", &["@octocat"]),
            ("deeply/nested/logs", &["@octocat"]),
        ],
    );
    let m = co.owners_of("app.js");
    assert_eq!(m.decisions.len(), 1);
    assert_eq!(m.decisions[0].line, 9);
    assert_eq!(m.decisions[0].pattern, "*.js");
}

#[test]
fn github_docs_star_matches_direct_children_only() {
    let co = gh("*  @default\ndocs/*  docs@example.com\n");
    check(
        &co,
        &[
            ("docs/getting-started.md", &["docs@example.com"]),
            ("docs/build-app/troubleshooting.md", &["@default"]),
        ],
    );
}

#[test]
fn github_build_logs_anchored_directory() {
    let co = gh("/build/logs/ @doctocat\n");
    check(
        &co,
        &[
            ("build/logs/a.txt", &["@doctocat"]),
            ("build/logs/deep/er/a.txt", &["@doctocat"]),
            ("src/build/logs/a.txt", &[]),
            ("build/logs", &[]), // a file named logs is not the directory's contents
        ],
    );
}

#[test]
fn github_subdirectory_with_its_own_owner() {
    // "@octocat owns any file in /apps except /apps/github, which has its own owner".
    let co = gh("/apps/ @octocat\n/apps/github @doctocat\n");
    check(
        &co,
        &[
            ("apps/web/x.rs", &["@octocat"]),
            ("apps/github/x.rs", &["@doctocat"]),
            ("apps/github", &["@doctocat"]),
        ],
    );
}

#[test]
fn github_empty_owners_clear_ownership() {
    // "... except for /apps/github, as its owners are left empty".
    let co = gh("/apps/ @octocat\n/apps/github\n");
    check(
        &co,
        &[("apps/web/x.rs", &["@octocat"]), ("apps/github/x.rs", &[])],
    );
    let m = co.owners_of("apps/github/x.rs");
    assert_eq!(m.decisions.len(), 1, "the clearing line is the decision");
    assert_eq!(m.decisions[0].line, 2);
}

#[test]
fn github_docs_root_vs_anywhere() {
    let co = gh("/docs/ @root\n");
    check(&co, &[("docs/a.md", &["@root"]), ("x/docs/a.md", &[])]);
    let co = gh("docs/ @any\n");
    check(
        &co,
        &[("docs/a.md", &["@any"]), ("x/docs/a/b.md", &["@any"])],
    );
}

#[test]
fn github_anchoring_and_stars() {
    let co = gh("src/*.rs @rs\nMakefile @make\n/README.md @root-readme\n");
    check(
        &co,
        &[
            ("src/main.rs", &["@rs"]),
            ("lib/src/main.rs", &[]), // a `/` in the middle anchors
            ("src/bin/main.rs", &[]), // `*` does not cross `/`
            ("tools/Makefile", &["@make"]),
            ("README.md", &["@root-readme"]),
            ("docs/README.md", &[]),
        ],
    );
    let co = gh("a/**/b @x\nlib/** @lib\n");
    check(
        &co,
        &[
            ("a/b", &["@x"]),
            ("a/1/2/b", &["@x"]),
            ("a/1/b/c.txt", &["@x"]),
            ("lib/x/y.rs", &["@lib"]),
        ],
    );
}

#[test]
fn github_pattern_matching_a_directory_owns_its_contents() {
    let co = gh("config @cfg\n/tools/build @b\n");
    check(
        &co,
        &[
            ("config/app.yml", &["@cfg"]),
            ("x/config/app.yml", &["@cfg"]),
            ("tools/build/x.sh", &["@b"]),
        ],
    );
}

#[test]
fn github_invalid_lines_are_reported_with_their_line_numbers_and_skipped() {
    // GitHub documents that `\#` escapes, `!` negation and `[ ]` ranges do not work.
    let co = gh(
        "* @all\n\\#notes @x\n!*.md @y\nPython/ceval*.[ch] @z\n*.py not-an-owner\n*.rb @bad!name\n",
    );
    let lines: Vec<usize> = co.invalid.iter().map(|i| i.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6]);
    assert!(co.invalid[0].message.contains("escaping"));
    assert!(co.invalid[1].message.contains("negation"));
    assert!(co.invalid[2].message.contains("character ranges"));
    assert!(co.invalid[3].message.contains("not-an-owner"));
    assert_eq!(owners(&co, "a.py"), ["@all"]);
    assert_eq!(owners(&co, "#notes"), ["@all"]);
}

#[test]
fn comments_blank_lines_crlf_trailing_spaces_and_bom() {
    let co = gh("\u{feff}# c\r\n\r\n*.rs   @rust   \r\n  # indented comment\r\n/x/ @x\t\r\n");
    check(&co, &[("a.rs", &["@rust"]), ("x/a.txt", &["@x"])]);
    assert_eq!(co.owners_of("a.rs").decisions[0].line, 3);
}

#[test]
fn unicode_paths() {
    let co = gh("/dökümanlar/ @tr\n*.日本 @ja\n");
    check(
        &co,
        &[
            ("dökümanlar/ö.md", &["@tr"]),
            ("a/b/ファイル.日本", &["@ja"]),
        ],
    );
    let co = gl("/dökümanlar/ @tr\n");
    check(&co, &[("dökümanlar/x/ö.md", &["@tr"])]);
}

#[test]
fn paths_with_leading_dot_slash_or_slash() {
    let co = gh("/src/ @s\n");
    check(&co, &[("./src/a", &["@s"]), ("/src/a", &["@s"])]);
}

#[test]
fn a_100k_line_file_parses_and_matches_without_quadratic_cost() {
    use std::fmt::Write as _;
    let mut text = String::from("* @everyone\n");
    for i in 0..100_000 {
        let _ = writeln!(text, "/services/svc{i}/ @team-{i}");
    }
    let start = std::time::Instant::now();
    let co = gh(&text);
    assert_eq!(co.rules.len(), 100_001);
    for i in (0..100_000).step_by(50) {
        assert_eq!(
            owners(&co, &format!("services/svc{i}/main.rs")),
            [format!("@team-{i}")]
        );
    }
    for _ in 0..2_000 {
        assert_eq!(owners(&co, "src/lib.rs"), ["@everyone"]);
    }
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

#[test]
fn a_100k_line_file_of_patterns_at_any_depth_is_indexed_too() {
    use std::fmt::Write as _;
    for platform in [Platform::GitHub, Platform::GitLab] {
        let mut text = String::from("* @everyone\n");
        for i in 0..50_000 {
            let _ = writeln!(text, "module{i}/ @m{i}");
            let _ = writeln!(text, "*.ext{i} @e{i}");
        }
        let start = std::time::Instant::now();
        let co = CodeOwners::parse(&text, "CODEOWNERS", platform);
        for i in (0..50_000).step_by(25) {
            assert_eq!(
                owners(&co, &format!("a/module{i}/x.rs")),
                [format!("@m{i}")]
            );
            assert_eq!(owners(&co, &format!("b/file.ext{i}")), [format!("@e{i}")]);
            assert_eq!(owners(&co, "src/lib.rs"), ["@everyone"]);
        }
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    }
}

#[test]
fn index_keys_never_hide_a_match() {
    // The same path segment twice, an extension on a directory (GitHub), a literal
    // after `**`, patterns with a wildcard first.
    let co = gh("a @a\n*.d @d\n**/x/y @xy\n*a* @star\n");
    check(
        &co,
        &[
            ("a/a", &["@star"]),
            ("q/dir.d/file", &["@d"]),
            ("p/x/y/z", &["@xy"]),
            ("bab", &["@star"]),
            ("zzz/a/q", &["@star"]),
        ],
    );
    let co = gh("a @a\n*.d @d\n");
    check(
        &co,
        &[
            ("a/a", &["@a"]),
            ("q/dir.d/file", &["@d"]),
            ("q/file.e", &[]),
        ],
    );
}

// GitLab: the example file of "Code Owners syntax and error handling"
// (docs.gitlab.com/17.7/ee/user/project/codeowners/reference.html), re-typed.
const GITLAB_EXAMPLE: &str = "\
# This is an example of a CODEOWNERS file.
# Lines that start with `#` are ignored.

# app/ @commented-rule

# Specify a default Code Owner by using a wildcard:
* @default-codeowner

# Specify multiple Code Owners by using a tab or space:
* @multiple @code @owners

# Rules defined later in the file take precedence over earlier rules.
# For example, for all files with a filename ending in `.rb`:
*.rb @ruby-owner

# Files with a `#` can still be accessed by escaping the pound sign:
\\#file_with_pound.rb @owner-file-with-pound

# You can use both usernames or email addresses to match users:
LICENSE @legal janedoe@gitlab.com

# Use group names to match groups, and nested groups:
README @group @group/with-nested/subgroup

# Specify Code Owners for directories:
/docs/ @all-docs
/docs/* @root-docs
/docs/**/*.md @root-docs

# Match directories nested anywhere in the repository:
lib/ @lib-owner

# Match only a directory in the root of the repository:
/config/ @config-owner

# If the path contains spaces, escape them like this:
path\\ with\\ spaces/ @space-owner

# Code Owners sections:
[Documentation]
ee/docs    @docs
docs       @docs

# Use of default owners for a section. In this case, all files (*) are owned by
# the dev team except the README.md and data-models which are owned by other teams.
[Development] @dev-team
*
README.md @docs-team
data-models/ @data-science-team

# This section is combined with the previously defined [Documentation] section:
[DOCUMENTATION]
README.md  @docs
";

#[test]
fn gitlab_documented_example() {
    let co = gl(GITLAB_EXAMPLE);
    let multi: &[&str] = &["@multiple", "@code", "@owners"];
    check(
        &co,
        &[
            ("app/x.txt", &["@multiple", "@code", "@owners", "@dev-team"]),
            ("app/models/user.rb", &["@ruby-owner", "@dev-team"]),
            (
                "#file_with_pound.rb",
                &["@owner-file-with-pound", "@dev-team"],
            ),
            ("LICENSE", &["@legal", "janedoe@gitlab.com", "@dev-team"]),
            (
                "README",
                &["@group", "@group/with-nested/subgroup", "@dev-team"],
            ),
            ("docs/index.md", &["@root-docs", "@dev-team"]),
            ("docs/projects/index.md", &["@root-docs", "@dev-team"]),
            ("docs/projects/img.png", &["@all-docs", "@dev-team"]),
            ("docs/img.png", &["@root-docs", "@dev-team"]),
            ("lib/a/b.c", &["@lib-owner", "@dev-team"]),
            ("vendor/lib/a.c", &["@lib-owner", "@dev-team"]),
            ("config/app.yml", &["@config-owner", "@dev-team"]),
            (
                "x/config/app.yml",
                &["@multiple", "@code", "@owners", "@dev-team"],
            ),
            ("path with spaces/a.txt", &["@space-owner", "@dev-team"]),
            // Sections are unioned; [DOCUMENTATION] merged into [Documentation].
            (
                "README.md",
                &["@multiple", "@code", "@owners", "@docs", "@docs-team"],
            ),
            (
                "data-models/m.py",
                &["@multiple", "@code", "@owners", "@data-science-team"],
            ),
        ],
    );
    assert_eq!(owners(&co, "src/main.c")[..3], *multi);
    let names: Vec<Option<&str>> = co.sections.iter().map(|s| s.name.as_deref()).collect();
    assert_eq!(names, [None, Some("Documentation"), Some("Development")]);
    let m = co.owners_of("README.md");
    let by_section: Vec<(Option<&str>, usize)> = m
        .decisions
        .iter()
        .map(|d| (d.section.name.as_deref(), d.line))
        .collect();
    assert_eq!(
        by_section,
        [
            (None, 10),
            (Some("Documentation"), 53),
            (Some("Development"), 48)
        ]
    );
}

#[test]
fn gitlab_directory_without_trailing_slash_is_not_its_contents() {
    // fnmatch semantics: `docs` names a path; `docs/` a directory's contents (see
    // gitlab-org/gitlab!69050 "Add missing slash to CODEOWNERS to catch directory").
    let co = gl("[Documentation]\nee/docs    @docs\ndocs       @docs\n");
    check(
        &co,
        &[
            ("docs", &["@docs"]),
            ("ee/docs", &["@docs"]),
            ("docs/index.md", &[]),
        ],
    );
}

#[test]
fn gitlab_relative_paths_match_at_any_depth() {
    // Unlike GitHub, a pattern not starting with `/` is prefixed with `/**/`.
    let co = gl("internal/README.md @u\n");
    check(
        &co,
        &[
            ("internal/README.md", &["@u"]),
            ("docs/internal/README.md", &["@u"]),
            ("docs/api/internal/README.md", &["@u"]),
            ("internal/x/README.md", &[]),
        ],
    );
    let gh = gh("internal/README.md @u\n");
    check(&gh, &[("docs/internal/README.md", &[])]);
}

#[test]
fn gitlab_pattern_semantics() {
    // `*` does not cross `/`, dotfiles match (FNM_DOTMATCH), `**/` spans directories,
    // classes work.
    let co = gl("/docs/*.md @md\n/**/*.rb @rb\n.* @dot\nsrc/ceval*.[ch] @c\n");
    check(
        &co,
        &[
            ("docs/a.md", &["@md"]),
            ("docs/x/a.md", &[]),
            ("config/database.rb", &["@rb"]),
            ("app/controllers/users/stars_controller.rb", &["@rb"]),
            (".gitignore", &["@dot"]),
            ("src/ceval_gil.c", &["@c"]),
            ("src/ceval_gil.x", &[]),
        ],
    );
}

#[test]
fn gitlab_advanced_default_owners_and_sections() {
    // "Advanced CODEOWNERS configuration", docs.gitlab.com/user/project/codeowners/advanced.
    let co = gl("\
# Required for all files
* @general-approvers

[Documentation] @docs-team
docs/
README.md
*.txt

[Database] @database-team
model/db/
config/db/database-setup.md @docs-team
");
    check(
        &co,
        &[
            ("src/a.c", &["@general-approvers"]),
            ("docs/a.md", &["@general-approvers", "@docs-team"]),
            ("README.md", &["@general-approvers", "@docs-team"]),
            ("notes.txt", &["@general-approvers", "@docs-team"]),
            (
                "model/db/user.rb",
                &["@general-approvers", "@database-team"],
            ),
            (
                "config/db/database-setup.md",
                &["@general-approvers", "@docs-team"],
            ),
        ],
    );
}

#[test]
fn gitlab_section_headings() {
    let co = gl("\
[Section name]
/a/ @a
^[Optional section]
/b/ @b
[Approvals][5]
/c/ @c
[Both][2] @group @subgroup
/d/
[section NAME] @other
/e/
");
    assert!(co.invalid.is_empty(), "{:?}", co.invalid);
    let s = &co.sections;
    assert_eq!(s.len(), 5);
    assert!(!s[1].optional && s[2].optional);
    assert_eq!(s[3].approvals, Some(5));
    assert_eq!(s[4].approvals, Some(2));
    assert_eq!(s[4].default_owners, ["@group", "@subgroup"]);
    assert_eq!(owners(&co, "d/x"), ["@group", "@subgroup"]);
    // Merged into [Section name], with the defaults of its own heading line.
    assert_eq!(owners(&co, "e/x"), ["@other"]);
    assert_eq!(co.owners_of("e/x").decisions[0].section.line, 1);
}

#[test]
fn gitlab_last_match_wins_within_each_section_only() {
    let co = gl("* @all\n[A]\n*.rb @a1\n*.rb @a2\n[B]\n/app/ @b\n");
    check(
        &co,
        &[("app/x.rb", &["@all", "@a2", "@b"]), ("x.py", &["@all"])],
    );
}

#[test]
fn gitlab_owners_in_a_trailing_comment_are_parsed() {
    // GitLab: "Inline comments are unsupported. Any Code Owners listed in a comment
    // are parsed."
    let co = gl("*.rb @ruby # and @also-this\n@@maintainer-role-line @@maintainer\n");
    assert_eq!(owners(&co, "a.rb"), ["@ruby", "@also-this"]);
    let co = gl("/config/ @@maintainer\n");
    assert_eq!(owners(&co, "config/x"), ["@@maintainer"]);
}

#[test]
fn gitlab_invalid_headings() {
    let co = gl("[]\n[Unclosed\n[S][x]\n* @ok\n");
    let lines: Vec<usize> = co.invalid.iter().map(|i| i.line).collect();
    assert_eq!(lines, [1, 2, 3]);
    assert_eq!(owners(&co, "a"), ["@ok"]);
}

#[test]
fn discovery_order_per_platform() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let write = |p: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, "* @x\n").unwrap_or_else(|e| panic!("{e}"));
    };
    assert!(discover(root).is_none());
    write("docs/CODEOWNERS");
    assert_eq!(
        discover(root),
        Some((root.join("docs/CODEOWNERS"), Platform::GitHub))
    );
    write("CODEOWNERS");
    assert_eq!(
        discover(root),
        Some((root.join("CODEOWNERS"), Platform::GitHub))
    );
    write(".github/CODEOWNERS");
    assert_eq!(
        discover(root),
        Some((root.join(".github/CODEOWNERS"), Platform::GitHub))
    );
    write(".gitlab/CODEOWNERS");
    // A GitLab repository: root first, then docs/, then .gitlab/.
    assert_eq!(
        discover(root),
        Some((root.join("CODEOWNERS"), Platform::GitLab))
    );
}

#[test]
fn load_refuses_symlinks_and_files_over_3_mb() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let big = root.join("CODEOWNERS");
    let f = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(MAX_FILE_SIZE).unwrap_or_else(|e| panic!("{e}"));
    let err = CodeOwners::load(&big, "CODEOWNERS", Platform::GitHub).err();
    assert!(matches!(err, Some(Error::TooLarge { .. })), "{err:?}");
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = outside.path().join("owners");
        std::fs::write(&target, "* @x\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(root.join(".github")).unwrap_or_else(|e| panic!("{e}"));
        let link = root.join(".github/CODEOWNERS");
        std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(discover(root), Some((link.clone(), Platform::GitHub)));
        let err = CodeOwners::load(&link, "x", Platform::GitHub).err();
        assert!(matches!(err, Some(Error::Symlink { .. })), "{err:?}");
    }
}
