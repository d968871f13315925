//! Rust literals: strings (raw when that reads better), `json!` bodies, base64 bytes.

use serde_json::Value;

/// A Rust string expression for `s`, laid out for indentation 0 (see [`str_lit_at`]).
pub fn str_lit(s: &str) -> String {
    str_lit_at(s, 0)
}

/// A Rust string expression for `s` of type `&'static str`: text of several lines as
/// `concat!("line 1\n", "line 2\n", ..)`, one line a literal (so that no later indentation of
/// the Rust text can change the string, and rustfmt lays it out), a line too long for 100
/// columns at indentation `ind` in pieces cut after a space where there is one (rustfmt
/// cannot break a literal: a line over its width makes it give up on the whole expression,
/// slowly); a single line, or two short ones, as one literal ([`one_lit`]).
pub fn str_lit_at(s: &str, ind: usize) -> String {
    // A piece's line is `{pad}{literal},` with the pad `ind + 4` wide.
    let max = 95usize.saturating_sub(ind).max(40);
    let lines: Vec<&str> = s.split_inclusive('\n').collect();
    let pieces: Vec<&str> = lines.iter().flat_map(|l| pieces(l, max)).collect();
    if pieces.len() < 2 || (lines.len() == 2 && pieces.len() == 2 && s.len() <= 40) {
        return one_lit(s);
    }
    let pad = " ".repeat(ind + 4);
    let parts: Vec<String> = pieces
        .iter()
        .map(|l| format!("{pad}{}", one_lit(l)))
        .collect();
    format!("concat!(\n{}\n{})", parts.join(",\n"), " ".repeat(ind))
}

/// `line` in pieces whose escaped literal is at most `max` characters, each cut after the
/// last space of its second half when it has one.
fn pieces(line: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        // Quotes and the escapes of the quoted form: an upper bound of either literal's width.
        let mut width = 2;
        let mut end = rest.len();
        let mut space = None;
        for (i, c) in rest.char_indices() {
            width += c.escape_debug().count();
            if width > max && i > 0 {
                end = i;
                break;
            }
            if c == ' ' {
                space = Some(i + 1);
            }
        }
        if end == rest.len() {
            out.push(rest);
            return out;
        }
        let cut = match space {
            Some(at) if at > end / 2 && at < end => at,
            _ => end,
        };
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
}

/// One Rust string literal: a raw string (`r#"..."#`) when `s` has quotes or backslashes
/// and nothing that needs an escape (regexes read as they are), else a quoted literal with
/// escapes.
pub fn one_lit(s: &str) -> String {
    let wants_raw = s.contains(['"', '\\']);
    let can_raw = s
        .chars()
        .all(|c| matches!(c, '"' | '\\' | '\'') || c.escape_debug().nth(1).is_none());
    if !(wants_raw && can_raw) {
        return format!("{s:?}");
    }
    // As many `#` as needed so that no `"#...` inside ends the literal.
    let mut longest = None::<usize>;
    let mut run = None::<usize>;
    for c in s.chars() {
        run = match (c, run) {
            ('"', _) => Some(0),
            ('#', Some(n)) => Some(n + 1),
            _ => None,
        };
        if let Some(n) = run {
            longest = Some(longest.map_or(n, |l| l.max(n)));
        }
    }
    let hashes = "#".repeat(longest.map_or(0, |n| n + 1));
    format!("r{hashes}\"{s}\"{hashes}")
}

/// The body of a `json!(...)` call that builds `v` (keys and strings as Rust literals, so
/// JSON escapes Rust lacks never appear).
pub fn json_body(v: &Value, ind: usize) -> String {
    let pad = " ".repeat(ind + 4);
    let end = " ".repeat(ind);
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => str_lit_at(s, ind),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|i| json_body(i, ind + 4)).collect();
            format!("[\n{pad}{}\n{end}]", parts.join(&format!(",\n{pad}")))
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", one_lit(k), json_body(v, ind + 4)))
                .collect();
            format!("{{\n{pad}{}\n{end}}}", parts.join(&format!(",\n{pad}")))
        }
    }
}

/// An `f64` literal (always with a `.` or an exponent, so it types as a float).
pub fn f64_lit(x: f64) -> String {
    format!("{x:?}")
}

/// Decodes standard base64 with padding, as k8s-openapi's `ByteString` does
/// (`base64::engine::general_purpose::STANDARD`: canonical padding, no trailing bits).
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let got = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = 3 - pad;
        // Bits past the last byte must be zero (canonical encoding).
        if got[keep..].iter().any(|&b| b != 0) {
            return None;
        }
        out.extend_from_slice(&got[..keep]);
    }
    Some(out)
}
