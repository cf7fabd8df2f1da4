//! Reading the workspace for the invariant tests (`tests/invariants.rs`).
//!
//! A Rust file is split, byte for byte, into code, string literals and
//! comments, so that a check can look for a path in code only (not in a
//! doc comment that mentions it), or for SQL in string literals. This is a
//! lexer, not a parser: it knows comments (nested block comments too),
//! strings (raw, byte and C strings too), and character literals apart from
//! lifetimes, which is all the checks need.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What the compiler reads a byte of a Rust file as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Code,
    Literal,
    Comment,
}

/// A Rust source file, with views of it in which comments, or comments and
/// literals, are blanked out (every byte but a newline becomes a space, so
/// offsets and line numbers are those of the file).
#[derive(Debug)]
pub struct RustFile {
    /// Relative to the workspace root, `/`-separated.
    pub path: String,
    pub text: String,
    /// Comments and literals blanked.
    pub code: String,
    /// Comments blanked.
    pub uncommented: String,
    literals: Vec<Range<usize>>,
    line_starts: Vec<usize>,
    test_items: Vec<Range<usize>>,
}

/// A string or character literal: its offset in the file and its source
/// text, quotes and escapes included, with `\n`, `\t`, `\r` and a
/// line-continuation backslash turned into spaces of the same length.
#[derive(Debug)]
pub struct Literal {
    pub offset: usize,
    pub text: String,
}

impl RustFile {
    pub fn parse(path: impl Into<String>, text: impl Into<String>) -> RustFile {
        let path = path.into();
        let text = text.into();
        let classes = classify(text.as_bytes());
        let mut code = text.as_bytes().to_vec();
        let mut uncommented = code.clone();
        for (i, &class) in classes.iter().enumerate() {
            if class != Class::Code && code[i] != b'\n' {
                code[i] = b' ';
                if class == Class::Comment {
                    uncommented[i] = b' ';
                }
            }
        }
        // Only whole characters are blanked, so these stay UTF-8.
        let code = String::from_utf8(code).expect("blanking keeps UTF-8");
        let uncommented = String::from_utf8(uncommented).expect("blanking keeps UTF-8");
        let mut literals = Vec::new();
        let mut i = 0;
        while i < classes.len() {
            if classes[i] == Class::Literal {
                let start = i;
                while i < classes.len() && classes[i] == Class::Literal {
                    i += 1;
                }
                literals.push(start..i);
            } else {
                i += 1;
            }
        }
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let test_items = test_items(&code);
        RustFile {
            path,
            text,
            code,
            uncommented,
            literals,
            line_starts,
            test_items,
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// The trimmed source line of a byte offset, for messages.
    pub fn line_text(&self, offset: usize) -> &str {
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        self.text[start..end].trim()
    }

    /// `path:line: source line`, for messages.
    pub fn at(&self, offset: usize) -> String {
        format!(
            "{}:{}: {}",
            self.path,
            self.line_of(offset),
            self.line_text(offset)
        )
    }

    /// Whether a byte offset lies in an item marked `#[cfg(test)]` (such as
    /// a `mod tests { … }`).
    pub fn in_test_item(&self, offset: usize) -> bool {
        self.test_items.iter().any(|r| r.contains(&offset))
    }

    /// Every string and character literal.
    pub fn literals(&self) -> Vec<Literal> {
        self.literals
            .iter()
            .map(|r| Literal {
                offset: r.start,
                text: soften_escapes(&self.text[r.clone()]),
            })
            .collect()
    }
}

fn soften_escapes(literal: &str) -> String {
    let mut out = literal.as_bytes().to_vec();
    let mut i = 0;
    while i + 1 < out.len() {
        if out[i] == b'\\' {
            if matches!(out[i + 1], b'n' | b't' | b'r' | b'\n') {
                if out[i + 1] != b'\n' {
                    out[i + 1] = b' ';
                }
                out[i] = b' ';
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).expect("only ASCII bytes replaced")
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The byte length of the UTF-8 character starting with `b`.
fn char_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn classify(src: &[u8]) -> Vec<Class> {
    let n = src.len();
    let mut classes = vec![Class::Code; n];
    let mut mark = |range: Range<usize>, class: Class| {
        for c in &mut classes[range] {
            *c = class;
        }
    };
    let mut i = 0;
    while i < n {
        let b = src[i];
        let next = src.get(i + 1).copied();
        if b == b'/' && next == Some(b'/') {
            let end = src[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(n, |p| i + p);
            mark(i..end, Class::Comment);
            i = end;
        } else if b == b'/' && next == Some(b'*') {
            let mut depth = 0;
            let mut j = i;
            while j < n {
                if src[j] == b'/' && src.get(j + 1) == Some(&b'*') {
                    depth += 1;
                    j += 2;
                } else if src[j] == b'*' && src.get(j + 1) == Some(&b'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            mark(i..j.min(n), Class::Comment);
            i = j;
        } else if b == b'"' {
            let end = match raw_hashes(src, i) {
                Some(hashes) => {
                    let mut j = i + 1;
                    loop {
                        if j >= n {
                            break n;
                        }
                        if src[j] == b'"'
                            && src.len() >= j + 1 + hashes
                            && src[j + 1..j + 1 + hashes].iter().all(|&c| c == b'#')
                        {
                            break j + 1 + hashes;
                        }
                        j += 1;
                    }
                }
                None => quoted_end(src, i, b'"'),
            };
            mark(i..end, Class::Literal);
            i = end;
        } else if b == b'\'' {
            // A character literal, or a lifetime or label.
            match next {
                Some(b'\\') => {
                    let end = quoted_end(src, i, b'\'');
                    mark(i..end, Class::Literal);
                    i = end;
                }
                Some(c) => {
                    let close = i + 1 + char_len(c);
                    if src.get(close) == Some(&b'\'') {
                        mark(i..close + 1, Class::Literal);
                        i = close + 1;
                    } else {
                        i += 1;
                    }
                }
                None => i += 1,
            }
        } else if is_ident(b) {
            // Skip the whole word, so that a quote after `r#`/`br` in a raw
            // string prefix is seen by the branch above, and an apostrophe
            // is never read inside a word.
            while i < n && is_ident(src[i]) {
                i += 1;
            }
        } else {
            i += char_len(b);
        }
    }
    classes
}

/// If the `"` at `quote` opens a raw string (`r"`, `r#"`, `br##"`, `cr"`),
/// the number of `#`s.
fn raw_hashes(src: &[u8], quote: usize) -> Option<usize> {
    let mut j = quote;
    while j > 0 && src[j - 1] == b'#' {
        j -= 1;
    }
    let hashes = quote - j;
    if j == 0 || src[j - 1] != b'r' {
        return None;
    }
    let mut start = j - 1;
    if start > 0 && matches!(src[start - 1], b'b' | b'c') {
        start -= 1;
    }
    if start > 0 && is_ident(src[start - 1]) {
        return None;
    }
    Some(hashes)
}

/// The end (exclusive) of a quoted literal with backslash escapes.
fn quoted_end(src: &[u8], open: usize, quote: u8) -> usize {
    let mut j = open + 1;
    while j < src.len() {
        match src[j] {
            b'\\' => j += 2,
            c if c == quote => return j + 1,
            _ => j += 1,
        }
    }
    src.len()
}

/// The byte ranges of items marked `#[cfg(test)]`, read from code with
/// comments and literals blanked.
fn test_items(code: &str) -> Vec<Range<usize>> {
    let bytes = code.as_bytes();
    let mut items = Vec::new();
    for (start, _) in code.match_indices("#[cfg(test)]") {
        let mut j = start + "#[cfg(test)]".len();
        let mut depth = 0i32;
        let mut end = bytes.len();
        while j < bytes.len() {
            match bytes[j] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                b'{' if depth == 0 => {
                    end = matching_brace(bytes, j).map_or(bytes.len(), |e| e + 1);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        items.push(start..end);
    }
    items
}

/// The offset of the `}` closing the `{` at `open`.
pub fn matching_brace(code: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, &b) in code.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// Offsets of `needle` in `haystack` where it is not part of a longer
/// identifier: the byte before and the byte after are not identifier
/// characters (so `std::fs` is found in `::std::fs::read` but not in
/// `my_std::fs` or `std::fsx`).
pub fn find_word(haystack: &str, needle: &str) -> Vec<usize> {
    let h = haystack.as_bytes();
    haystack
        .match_indices(needle)
        .map(|(i, _)| i)
        .filter(|&i| {
            let before_ok = i == 0 || !is_ident(h[i - 1]) || !is_ident(needle.as_bytes()[0]);
            let end = i + needle.len();
            let after_ok = end >= h.len()
                || !is_ident(h[end])
                || !is_ident(needle.as_bytes()[needle.len() - 1]);
            before_ok && after_ok
        })
        .collect()
}

/// Offsets where the whole words `words` follow one another separated by
/// whitespace only (`INSERT  INTO`, `INSERT\n INTO`).
pub fn find_words(haystack: &str, words: &[&str]) -> Vec<usize> {
    let h = haystack.as_bytes();
    find_word(haystack, words[0])
        .into_iter()
        .filter(|&start| {
            let mut j = start + words[0].len();
            for word in &words[1..] {
                let gap = h[j..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                if gap == 0 || !haystack[j + gap..].starts_with(word) {
                    return false;
                }
                j += gap + word.len();
                if j < h.len() && is_ident(h[j]) {
                    return false;
                }
            }
            true
        })
        .collect()
}

/// Every file under `root/under` whose name ends with `suffix`, skipping
/// `target` and hidden folders, sorted by path.
pub fn files_under(root: &Path, under: &str, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.join(under)];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    folders.push(path);
                }
            } else if name.ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A path relative to the workspace root, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every `.rs` file under `root/under`, read and classified.
pub fn rust_files(root: &Path, under: &str) -> Vec<RustFile> {
    files_under(root, under, ".rs")
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            RustFile::parse(relative(root, &path), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_literals_are_told_from_code() {
        let src = "let a = \"std::fs\"; // std::fs\n/* outer /* std::fs */ still */ std::env::var(r#\"x\"y\"#);\nlet c = '\"'; let d = b'\\''; fn f<'a>(x: &'a str) {}\n/// doc std::net\n";
        let file = RustFile::parse("x.rs", src);
        assert_eq!(find_word(&file.code, "std::fs"), Vec::<usize>::new());
        assert_eq!(find_word(&file.code, "std::net"), Vec::<usize>::new());
        assert_eq!(find_word(&file.code, "std::env").len(), 1);
        assert_eq!(find_word(&file.uncommented, "std::fs").len(), 1);
        assert!(file.code.contains("fn f<'a>(x: &'a str) {}"));
        let literals: Vec<String> = file.literals().into_iter().map(|l| l.text).collect();
        assert_eq!(
            literals,
            ["\"std::fs\"", "\"x\"y\"#", "'\"'", "'\\''"].map(String::from)
        );
        assert_eq!(file.line_of(src.find("std::env").expect("in source")), 2);
    }

    #[test]
    fn test_items_are_found() {
        let src =
            "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn b() { let x = \"}\"; }\n}\nfn c() {}\n";
        let file = RustFile::parse("x.rs", src);
        let at = |s: &str| src.find(s).expect("in source");
        assert!(!file.in_test_item(at("fn a")));
        assert!(file.in_test_item(at("fn b")));
        assert!(!file.in_test_item(at("fn c")));
    }

    #[test]
    fn words_are_whole() {
        assert_eq!(
            find_word("my_std::fs std::fsx ::std::fs::read", "std::fs"),
            [22]
        );
        assert_eq!(
            find_words("INSERT\n   INTO t; INSERT INTOX", &["INSERT", "INTO"]),
            [0]
        );
    }
}
