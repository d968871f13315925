//! Compile-time errors of the literal macros (`name!`, `cpu!`, `image!`, `cron!`, ...).
//!
//! Every macro evaluates its check in a `const` item and, on a bad literal, panics
//! right there (not inside a `const fn`), with a message that starts with the macro
//! call, then says what is wrong and how to write it. rustc prints that message as
//! the first line of the error (`error[E0080]: evaluation panicked: name!("Bad_Name"):
//! …`), followed by a few lines pointing at the call, instead of a trace through the
//! `const fn` internals.

/// A message assembled in `const` context (const panics accept one `&str` argument,
/// not a format string with several).
#[doc(hidden)]
pub struct Message {
    bytes: [u8; 512],
    len: usize,
}

impl Message {
    /// Concatenates `parts`, truncated to 512 bytes on a character boundary.
    pub const fn new(parts: &[&str]) -> Message {
        let mut m = Message {
            bytes: [0; 512],
            len: 0,
        };
        let mut i = 0;
        while i < parts.len() {
            let p = parts[i].as_bytes();
            let mut j = 0;
            while j < p.len() {
                // Copy whole characters only, so the message stays valid UTF-8.
                let width = match p[j] {
                    0xF0..=0xFF => 4,
                    0xE0..=0xEF => 3,
                    0xC0..=0xDF => 2,
                    _ => 1,
                };
                if m.len + width > m.bytes.len() || j + width > p.len() {
                    return m;
                }
                let mut k = 0;
                while k < width {
                    m.bytes[m.len] = p[j + k];
                    m.len += 1;
                    k += 1;
                }
                j += width;
            }
            i += 1;
        }
        m
    }

    /// `s` with every `_` written `-` (a Secret key suggested from an accessor name).
    pub const fn dashed(s: &str) -> Message {
        let mut m = Message::new(&[s]);
        let mut i = 0;
        while i < m.len {
            if m.bytes[i] == b'_' {
                m.bytes[i] = b'-';
            }
            i += 1;
        }
        m
    }

    /// The message.
    pub const fn as_str(&self) -> &str {
        let (s, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(s) {
            Ok(s) => s,
            Err(_) => "invalid literal",
        }
    }
}

/// Checks a literal in `const` context with `$ty::check_static` and, when it is bad,
/// stops the build with `<macro>!(<literal>): <reason>; <fix>`.
#[doc(hidden)]
#[macro_export]
macro_rules! __literal {
    ($macro:literal, $ty:ty, $s:literal, $fix:literal) => {{
        const VALUE: $ty = match <$ty>::check_static($s) {
            ::core::option::Option::None => <$ty>::from_static($s),
            ::core::option::Option::Some(reason) => {
                let message = $crate::primitives::literal::Message::new(&[
                    $macro,
                    "!(",
                    ::core::stringify!($s),
                    "): ",
                    reason,
                    "; ",
                    $fix,
                ]);
                ::core::panic!("{}", message.as_str())
            }
        };
        VALUE
    }};
}

#[cfg(test)]
mod tests {
    use super::Message;

    #[test]
    fn message_concatenates_and_truncates_on_a_char_boundary() {
        assert_eq!(
            Message::new(&["name!(", "\"a\"", "): bad"]).as_str(),
            "name!(\"a\"): bad"
        );
        let long = "é".repeat(300);
        let m = Message::new(&["x", &long]);
        assert!(m.as_str().len() <= 512 && m.as_str().starts_with("xé"));
        assert!(m.as_str().len() > 500);
    }

    #[test]
    fn dashed_replaces_underscores() {
        assert_eq!(Message::dashed("redis_url").as_str(), "redis-url");
        assert_eq!(Message::dashed("é_a").as_str(), "é-a");
    }
}
