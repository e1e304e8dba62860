//! Values as Helm's engine sees them: YAML read the way `sigs.k8s.io/yaml` reads it (YAML 1.1
//! booleans, every number a float64, null entries dropped), printed the way Go's `fmt` prints
//! them, and written back as YAML and JSON the way `toYaml`/`toJson` write them.

use crate::parse::yaml::{Value, Yaml};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::rc::Rc;

#[derive(Clone, Debug, Default)]
pub enum V {
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(Rc<Vec<V>>),
    /// Go maps are references: `set` on one is seen by every holder.
    Map(Rc<RefCell<BTreeMap<String, V>>>),
    /// A method of a built-in object (`.Capabilities.APIVersions.Has`, `.Files.Get`).
    Method(&'static str),
}

impl V {
    pub fn str(s: impl Into<Rc<str>>) -> V {
        V::Str(s.into())
    }
    pub fn map(m: BTreeMap<String, V>) -> V {
        V::Map(Rc::new(RefCell::new(m)))
    }
    pub fn list(l: Vec<V>) -> V {
        V::List(Rc::new(l))
    }
    /// Go's template truth: the zero value of its type is false.
    pub fn truthy(&self) -> bool {
        match self {
            V::Nil => false,
            V::Bool(b) => *b,
            V::Int(i) => *i != 0,
            V::Float(f) => *f != 0.0,
            V::Str(s) => !s.is_empty(),
            V::List(l) => !l.is_empty(),
            V::Map(m) => !m.borrow().is_empty(),
            V::Method(_) => true,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> V {
        match self {
            V::Map(m) => m.borrow().get(key).cloned().unwrap_or(V::Nil),
            _ => V::Nil,
        }
    }
    /// Go's `%v`.
    pub fn to_go_string(&self) -> String {
        let mut s = String::new();
        self.write_go(&mut s, 0);
        s
    }
    fn write_go(&self, out: &mut String, depth: usize) {
        if depth > 64 || out.len() > MAX_TEXT {
            return;
        }
        match self {
            V::Nil => out.push_str("<nil>"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Int(i) => {
                let _ = write!(out, "{i}");
            }
            V::Float(f) => out.push_str(&go_float(*f)),
            V::Str(s) => out.push_str(s),
            V::List(l) => {
                out.push('[');
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.write_go(out, depth + 1);
                }
                out.push(']');
            }
            V::Map(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.write_go(out, depth + 1);
                }
                out.push(']');
            }
            V::Method(_) => out.push_str("<method>"),
        }
    }
    /// A number as f64, for arithmetic.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            V::Int(i) => Some(*i as f64),
            V::Float(f) => Some(*f),
            _ => None,
        }
    }
    /// Sprig's `toInt64`: numbers truncate, numeric strings parse, others are 0.
    pub fn to_i64(&self) -> i64 {
        match self {
            V::Int(i) => *i,
            V::Float(f) if f.is_finite() => *f as i64,
            V::Bool(b) => *b as i64,
            V::Str(s) => {
                let t = s.trim();
                t.parse::<i64>()
                    .ok()
                    .or_else(|| t.parse::<f64>().ok().map(|f| f as i64))
                    .unwrap_or(0)
            }
            _ => 0,
        }
    }
    pub fn to_f64(&self) -> f64 {
        match self {
            V::Int(i) => *i as f64,
            V::Float(f) => *f,
            V::Bool(b) => *b as i64 as f64,
            V::Str(s) => s.trim().parse().unwrap_or(0.0),
            _ => 0.0,
        }
    }
    /// Sprig's `empty`.
    pub fn is_empty(&self) -> bool {
        !self.truthy()
    }
    /// Go's `reflect.Kind` name, as `kindOf` gives it.
    pub fn kind(&self) -> &'static str {
        match self {
            V::Nil => "invalid",
            V::Bool(_) => "bool",
            V::Int(_) => "int",
            V::Float(_) => "float64",
            V::Str(_) => "string",
            V::List(_) => "slice",
            V::Map(_) => "map",
            V::Method(_) => "func",
        }
    }
    pub fn type_name(&self) -> &'static str {
        match self {
            V::Nil => "<nil>",
            V::Bool(_) => "bool",
            V::Int(_) => "int",
            V::Float(_) => "float64",
            V::Str(_) => "string",
            V::List(_) => "[]interface {}",
            V::Map(_) => "map[string]interface {}",
            V::Method(_) => "func",
        }
    }
}

/// Equality as the template `eq` sees it (numbers by value across int and float).
pub fn equal(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::Nil, V::Nil) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Str(x), V::Str(y)) => x == y,
        (x, y) if x.as_f64().is_some() && y.as_f64().is_some() => x.as_f64() == y.as_f64(),
        (V::List(x), V::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| equal(a, b))
        }
        (V::Map(x), V::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && equal(v1, v2))
        }
        _ => false,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which `%v` uses.
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `1.2345e6`
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        // %e form: d.ddde+XX
        let (first, rest) = digits.split_at(1);
        let m = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let es = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{m}e{es}{:02}", exp.abs());
    }
    // plain decimal
    let n = digits.len() as i32;
    let s = if exp >= n - 1 {
        format!("{digits}{}", "0".repeat((exp - (n - 1)) as usize))
    } else if exp >= 0 {
        let (a, b) = digits.split_at((exp + 1) as usize);
        format!("{a}.{b}")
    } else {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    };
    format!("{sign}{s}")
}

/// A number as JSON writes it (and so as `toYaml` ends up writing it).
fn json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{}", f as i128);
    }
    if f.abs() < 1e-6 || f.abs() >= 1e21 {
        let e = format!("{f:e}");
        let (m, x) = e.split_once('e').unwrap_or((&e, "0"));
        let x: i32 = x.parse().unwrap_or(0);
        return format!("{m}e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs());
    }
    format!("{f}")
}

/// How deep values may nest before the rest is dropped (a hostile values file).
const MAX_DEPTH: usize = 128;
/// Most text one value may print as: a map that holds itself must not print forever.
pub const MAX_TEXT: usize = 4 * 1024 * 1024;

/// A YAML 1.1 plain scalar the way go-yaml v2 resolves it.
fn resolve_plain(text: &str) -> V {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return V::Nil,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return V::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return V::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return V::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return V::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let t = text.replace('_', "");
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, t.strip_prefix('+').unwrap_or(&t).to_string()),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    if !body.is_empty() && body.bytes().all(|c| c.is_ascii_digit()) {
        // YAML 1.1: a leading 0 is octal
        if body.len() > 1 && body.starts_with('0') {
            if let Ok(v) = i64::from_str_radix(body.get(1..).unwrap_or_default(), 8) {
                return V::Float(sign * v as f64);
            }
            return V::str(text);
        }
        if let Ok(v) = body.parse::<f64>() {
            return V::Float(sign * v);
        }
    }
    if let Some(h) = body.strip_prefix("0x")
        && let Ok(v) = i64::from_str_radix(h, 16)
    {
        return V::Float(sign * v as f64);
    }
    if let Some(b) = body.strip_prefix("0b")
        && let Ok(v) = i64::from_str_radix(b, 2)
    {
        return V::Float(sign * v as f64);
    }
    // go-yaml reads YAML 1.2's `0o17` as octal too
    if let Some(o) = body.strip_prefix("0o")
        && let Ok(v) = i64::from_str_radix(o, 8)
    {
        return V::Float(sign * v as f64);
    }
    let looks_float = body.bytes().any(|c| c.is_ascii_digit())
        && body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body.bytes().filter(|&c| c == b'.').count() <= 1
        && !body.starts_with(['e', 'E']);
    if looks_float && let Ok(v) = body.parse::<f64>() {
        return V::Float(sign * v);
    }
    V::str(text)
}

/// A values tree from YAML. Keys are strings (a `yes:` key is `"true"`, as Helm has it);
/// null entries of mappings are dropped.
pub fn from_yaml(y: &Yaml) -> V {
    from_yaml_at(y, 0)
}

fn from_yaml_at(y: &Yaml, depth: usize) -> V {
    if depth > MAX_DEPTH {
        return V::Nil;
    }
    match &y.value {
        Value::Null => V::Nil,
        Value::Scalar { text, quoted } => {
            if *quoted {
                V::str(text.as_str())
            } else {
                resolve_plain(text)
            }
        }
        Value::Seq(items) => V::list(items.iter().map(|i| from_yaml_at(i, depth + 1)).collect()),
        Value::Map(entries) => {
            let mut m = BTreeMap::new();
            for (k, v) in entries {
                let key = match from_yaml_at(k, depth + 1) {
                    V::Str(s) => s.to_string(),
                    V::Nil => "null".to_string(),
                    other => other.to_go_string(),
                };
                let val = from_yaml_at(v, depth + 1);
                m.insert(key, val);
            }
            V::map(m)
        }
    }
}

/// Drop null entries of mappings, recursively (Helm's coalescing does).
pub fn drop_nulls(v: &V) -> V {
    drop_nulls_at(v, 0)
}

fn drop_nulls_at(v: &V, depth: usize) -> V {
    match v {
        V::Map(m) if depth < MAX_DEPTH => V::map(
            m.borrow()
                .iter()
                .filter(|(_, v)| !matches!(v, V::Nil))
                .map(|(k, v)| (k.clone(), drop_nulls_at(v, depth + 1)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `dst` with `src` merged over it: maps merge key by key, anything else in `src` wins; a
/// null in `src` deletes the key.
pub fn coalesce(dst: &V, src: &V) -> V {
    coalesce_at(dst, src, 0)
}

fn coalesce_at(dst: &V, src: &V, depth: usize) -> V {
    match (dst, src) {
        (V::Map(d), V::Map(s)) if depth < MAX_DEPTH => {
            let mut out = d.borrow().clone();
            for (k, v) in s.borrow().iter() {
                if matches!(v, V::Nil) {
                    out.remove(k);
                    continue;
                }
                let merged = match out.get(k) {
                    Some(old) => coalesce_at(old, v, depth + 1),
                    None => drop_nulls(v),
                };
                out.insert(k.clone(), merged);
            }
            V::map(out)
        }
        (_, s) => drop_nulls(s),
    }
}

/// How go-yaml writes a string scalar (outside a block): plain where the text reads back as
/// the same string, single-quoted where only YAML's syntax stands in the way, double-quoted
/// where it would read as another type or holds unprintable characters.
#[derive(Debug, PartialEq, Eq)]
enum Quoting {
    Plain,
    Single,
    Double,
}

fn quoting(s: &str) -> Quoting {
    // what would read as null, a bool, a number or a sexagesimal number
    if s.is_empty()
        || !matches!(resolve_plain(s), V::Str(_))
        || s.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b':' | b'-' | b'.' | b'+' | b'e' | b'E'))
            && s.contains(':')
    {
        return Quoting::Double;
    }
    let printable = |c: char| {
        matches!(c, '\u{20}'..='\u{7e}' | '\u{85}')
            || (c >= '\u{a0}' && !matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
    };
    if s.chars().any(|c| !printable(c)) {
        return Quoting::Double;
    }
    let b = s.as_bytes();
    let blank_at = |i: usize| b.get(i).is_none_or(|c| *c == b' ');
    let mut plain = !s.starts_with(' ') && !s.ends_with(' ');
    for (i, &c) in b.iter().enumerate() {
        let followed_by_blank = blank_at(i + 1);
        let indicator = if i == 0 {
            match c {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                | b'\'' | b'"' | b'%' | b'@' | b'`' => true,
                b'?' | b':' | b'-' => followed_by_blank,
                _ => false,
            }
        } else {
            match c {
                b':' => followed_by_blank,
                b'#' => b.get(i - 1) == Some(&b' '),
                _ => false,
            }
        };
        if indicator {
            plain = false;
            break;
        }
    }
    if plain {
        Quoting::Plain
    } else {
        Quoting::Single
    }
}

/// A string in YAML's double quotes, escaped as libyaml escapes.
fn quote_yaml_double(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn quote_json(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn yaml_scalar(v: &V, out: &mut String) {
    match v {
        V::Nil | V::Method(_) => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Int(i) => {
            let _ = write!(out, "{i}");
        }
        V::Float(f) => out.push_str(&json_float(*f)),
        V::Str(s) => match quoting(s) {
            Quoting::Plain => out.push_str(s),
            Quoting::Single => {
                out.push('\'');
                out.push_str(&s.replace('\'', "''"));
                out.push('\'');
            }
            Quoting::Double => quote_yaml_double(s, out),
        },
        V::List(_) | V::Map(_) => {}
    }
}

/// `toYaml`: block style, keys sorted, sequences at their key's indentation, no trailing
/// newline.
pub fn to_yaml(v: &V) -> String {
    let mut out = String::new();
    write_yaml(v, 0, &mut out, 0);
    // Helm trims one newline: a kept block's (`|+`) last blank line stays
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn write_yaml(v: &V, indent: usize, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH || out.len() > MAX_TEXT {
        out.push_str("null\n");
        return;
    }
    let pad = " ".repeat(indent);
    match v {
        V::Map(m) if !m.borrow().is_empty() => {
            for (i, (k, val)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(&pad);
                }
                yaml_scalar(&V::str(k.as_str()), out);
                out.push(':');
                match val {
                    V::Map(mm) if !mm.borrow().is_empty() => {
                        out.push('\n');
                        out.push_str(&" ".repeat(indent + 2));
                        write_yaml(val, indent + 2, out, depth + 1);
                    }
                    V::List(l) if !l.is_empty() => {
                        out.push('\n');
                        out.push_str(&pad);
                        write_yaml(val, indent, out, depth + 1);
                    }
                    _ => {
                        out.push(' ');
                        write_yaml(val, indent + 2, out, depth + 1);
                    }
                }
            }
        }
        V::List(l) if !l.is_empty() => {
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                write_yaml(item, indent + 2, out, depth + 1);
            }
        }
        V::Map(_) => out.push_str("{}\n"),
        V::List(_) => out.push_str("[]\n"),
        V::Str(s) if literal_allowed(s) => {
            // go-yaml writes a multi-line string as a literal block at the value's indent
            let pad = " ".repeat(indent.max(2));
            out.push('|');
            // a leading space or break needs the indentation stated
            if s.starts_with([' ', '\n']) {
                out.push('2');
            }
            let body = s.strip_suffix('\n');
            match body {
                None => out.push('-'),
                Some(b) if b.is_empty() || b.ends_with('\n') => out.push('+'),
                Some(_) => {}
            }
            out.push('\n');
            for line in body.unwrap_or(s).split('\n') {
                if !line.is_empty() {
                    out.push_str(&pad);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        scalar => {
            let start = out.len();
            yaml_scalar(scalar, out);
            fold_long_line(out, start, indent);
            out.push('\n');
        }
    }
}

/// libyaml's line folding: in a plain or quoted scalar written past column 80, a single
/// space between words becomes a line break and the value's indentation (a double-quoted
/// one escapes a space that then starts the line).
fn fold_long_line(out: &mut String, start: usize, indent: usize) {
    const BEST_WIDTH: usize = 80;
    let Some(scalar) = out.get(start..) else {
        return;
    };
    let style = match scalar.as_bytes().first() {
        Some(b'"') => b'"',
        Some(b'\'') => b'\'',
        _ => b' ',
    };
    let line_start = out
        .get(..start)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let mut column = out.get(line_start..start).map_or(0, |p| p.chars().count());
    if column + scalar.chars().count() <= BEST_WIDTH {
        return;
    }
    let chars: Vec<char> = scalar.chars().collect();
    let mut folded = String::with_capacity(scalar.len() + 16);
    let mut spaces = false;
    let last = chars.len().saturating_sub(1);
    for (i, &c) in chars.iter().enumerate() {
        let next_space = chars.get(i + 1) == Some(&' ');
        // inside quotes, the quote characters are not the value's first and last
        let inner = style == b' ' || (i > 1 && i + 1 < last);
        let breakable =
            c == ' ' && !spaces && column > BEST_WIDTH && inner && (style == b'"' || !next_space);
        if breakable {
            folded.push('\n');
            folded.push_str(&" ".repeat(indent));
            column = indent;
            if style == b'"' && next_space {
                folded.push('\\');
                column += 1;
            }
        } else {
            folded.push(c);
            column += 1;
        }
        spaces = c == ' ';
    }
    out.truncate(start);
    out.push_str(&folded);
}

/// Whether go-yaml writes a string as a literal block (`|`): it holds a line break, every
/// character is printable (a tab is not), and no space ends a line or the string.
fn literal_allowed(s: &str) -> bool {
    s.contains('\n')
        && !s.ends_with(' ')
        && !s.contains(" \n")
        && s.chars().all(|c| {
            c == '\n'
                || matches!(c, '\u{20}'..='\u{7e}' | '\u{85}')
                || (c >= '\u{a0}' && !matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
        })
}

/// `toJson`: compact, keys sorted, HTML characters escaped as Go does.
pub fn to_json(v: &V) -> String {
    let mut out = String::new();
    write_json(v, &mut out, 0);
    out
}

fn write_json(v: &V, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH || out.len() > MAX_TEXT {
        out.push_str("null");
        return;
    }
    match v {
        V::Nil | V::Method(_) => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Int(i) => {
            let _ = write!(out, "{i}");
        }
        V::Float(f) => out.push_str(&json_float(*f)),
        V::Str(s) => quote_json(s, out),
        V::List(l) => {
            out.push('[');
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, depth + 1);
            }
            out.push(']');
        }
        V::Map(m) => {
            out.push('{');
            for (i, (k, item)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote_json(k, out);
                out.push(':');
                write_json(item, out, depth + 1);
            }
            out.push('}');
        }
    }
}

/// `fromJson`: a JSON document as values (numbers are floats, as in Go).
pub fn from_json(text: &str) -> V {
    fn conv(j: &serde_json::Value, depth: usize) -> V {
        if depth > MAX_DEPTH {
            return V::Nil;
        }
        match j {
            serde_json::Value::Null => V::Nil,
            serde_json::Value::Bool(b) => V::Bool(*b),
            serde_json::Value::Number(n) => V::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => V::str(s.as_str()),
            serde_json::Value::Array(a) => V::list(a.iter().map(|x| conv(x, depth + 1)).collect()),
            serde_json::Value::Object(o) => V::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), conv(v, depth + 1)))
                    .collect(),
            ),
        }
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(j) => conv(&j, 0),
        Err(e) => V::map(BTreeMap::from([(
            "Error".to_string(),
            V::str(e.to_string()),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_prints_them() {
        assert_eq!(go_float(1.0), "1");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1_000_000.0), "1e+06");
        assert_eq!(go_float(123_456.0), "123456");
        assert_eq!(go_float(1_234_567.0), "1.234567e+06");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-2.25), "-2.25");
    }

    #[test]
    fn yaml_1_1_scalars() {
        let docs =
            crate::parse::yaml::parse("a: yes\nb: 012\nc: 1e3\nd: '1'\ne: ~\nf: 1.2.3\ny: 1\n")
                .unwrap();
        let v = from_yaml(&docs[0]);
        assert!(matches!(v.get("a"), V::Bool(true)));
        assert_eq!(v.get("b").to_go_string(), "10");
        assert_eq!(v.get("c").to_go_string(), "1000");
        assert_eq!(v.get("d").as_str(), Some("1"));
        assert!(matches!(v.get("e"), V::Nil));
        assert_eq!(v.get("f").as_str(), Some("1.2.3"));
        assert!(matches!(v.get("true"), V::Float(_)), "a `y:` key is `true`");
    }

    #[test]
    fn to_yaml_reads_back_the_same() {
        let docs = crate::parse::yaml::parse(
            "m: {b: 1, a: 'x: y', c: [], d: {}, s: \"multi\\nline\", t: 'true', o: '012', l: [{k: v, j: [1, 2]}, [3]]}\n",
        )
        .unwrap();
        let v = from_yaml(&docs[0]);
        let text = to_yaml(&v);
        let back = from_yaml(&crate::parse::yaml::parse(&text).unwrap()[0]);
        assert!(equal(&v, &back), "{text}");
        // as Helm writes it (checked against Helm through the kitchen-sink chart's oracle):
        // single quotes where only syntax needs them, double where the text would read as
        // another type, a literal block for lines
        assert_eq!(
            text,
            "m:\n  a: 'x: y'\n  b: 1\n  c: []\n  d: {}\n  l:\n  - j:\n    - 1\n    - 2\n    k: v\n  - - 3\n  o: \"012\"\n  s: |-\n    multi\n    line\n  t: \"true\""
        );
        assert_eq!(to_yaml(&V::str("a\tb")), "\"a\\tb\"");
        assert_eq!(to_yaml(&V::str("-x")), "-x");
        assert_eq!(to_yaml(&V::str("- x")), "'- x'");
        assert_eq!(to_yaml(&V::str("it's #1")), "'it''s #1'");
        assert_eq!(to_yaml(&V::str("a\n\n")), "|+\n  a\n");
        // past column 80 a space becomes a line break, as Helm writes it
        let long = V::map(BTreeMap::from([(
            "text".to_string(),
            V::str(
                "this is a very long annotation value that goes on and on past the eighty column limit of the emitter for sure",
            ),
        )]));
        assert_eq!(
            to_yaml(&long),
            "text: this is a very long annotation value that goes on and on past the eighty column\n  limit of the emitter for sure"
        );
        assert!(matches!(resolve_plain("0o17"), V::Float(f) if f == 15.0));
    }

    #[test]
    fn coalesce_merges_maps_and_deletes_nulls() {
        let d = from_yaml(&crate::parse::yaml::parse("a: {x: 1, w: 2}\nb: 3\n").unwrap()[0]);
        let s = from_yaml(&crate::parse::yaml::parse("a: {w: 5, z: 6}\nb: null\n").unwrap()[0]);
        let m = coalesce(&d, &s);
        assert_eq!(to_json(&m), r#"{"a":{"w":5,"x":1,"z":6}}"#);
    }
}
