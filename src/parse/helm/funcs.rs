//! The functions charts call: Go's template builtins, the Sprig library and Helm's own
//! (`include`, `tpl`, `required`, `toYaml`, `lookup`, …). Functions that would read the clock,
//! a random source or a cluster give fixed, recognisable values: twelve renders to read the
//! chart, never to deploy it.

use super::eval::{Exec, R};
use super::template::Arg;
use super::value::{self, V};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Evaluate the arguments and call `name`; a piped value is the last argument.
pub fn call(ex: &mut Exec, name: &str, args: &[Arg], dot: &V, piped: Option<V>) -> R<V> {
    // `and`/`or` stop at the first argument that decides
    if name == "and" || name == "or" {
        let want = name == "or";
        let mut last = V::Nil;
        let n = args.len() + piped.is_some() as usize;
        if n == 0 {
            return ex.fail(format!(
                "wrong number of args for {name}: want at least 1 got 0"
            ));
        }
        for a in args {
            last = ex.arg(a, dot)?;
            if last.truthy() == want {
                return Ok(last);
            }
        }
        if let Some(p) = piped {
            last = p;
        }
        return Ok(last);
    }
    let mut v = Vec::with_capacity(args.len() + 1);
    for a in args {
        v.push(ex.arg(a, dot)?);
    }
    v.extend(piped);
    // the calls that recurse into templates stay out of `apply`'s large frame
    match name {
        "include" => {
            arity(ex, name, &v, 2)?;
            ex.include(&s(&v[0]), &v[1])
        }
        "tpl" => {
            arity(ex, name, &v, 2)?;
            ex.tpl(&s(&v[0]), &v[1])
        }
        _ => {
            let out = apply(ex, name, &v)?;
            match &out {
                V::Str(x) if x.len() > super::eval::MAX_OUTPUT => ex.fail(format!(
                    "{name}: the result is too large (a budget keeps hostile charts fast)"
                )),
                V::List(l) if l.len() > 1_000_000 => {
                    ex.fail(format!("{name}: the list is too long"))
                }
                _ => Ok(out),
            }
        }
    }
}

fn s(v: &V) -> String {
    // Sprig's strval: nil is empty, strings as they are, the rest as `%v`
    match v {
        V::Nil => String::new(),
        V::Str(x) => x.to_string(),
        other => other.to_go_string(),
    }
}

fn arity(ex: &Exec, name: &str, a: &[V], n: usize) -> R<()> {
    if a.len() < n {
        return ex.fail(format!(
            "wrong number of args for {name}: want {n} got {}",
            a.len()
        ));
    }
    Ok(())
}

fn nth(a: &[V], i: usize) -> V {
    a.get(i).cloned().unwrap_or_default()
}

fn list_of(v: &V) -> Vec<V> {
    match v {
        V::List(l) => l.to_vec(),
        V::Nil => Vec::new(),
        other => vec![other.clone()],
    }
}

fn entries(v: &V) -> Vec<(String, V)> {
    match v {
        V::Map(m) => m
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Byte index `i` moved down to a char boundary.
fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn indent(n: i64, text: &str) -> String {
    let pad = " ".repeat(n.clamp(0, 1024) as usize);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// Go's `strconv.Quote`.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if c.is_control() => {
                let _ = if (c as u32) < 0x100 {
                    write!(out, "\\x{:02x}", c as u32)
                } else {
                    write!(out, "\\u{:04x}", c as u32)
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn deep_copy(v: &V, depth: usize) -> V {
    match v {
        V::Map(m) if depth < 128 => V::map(
            m.borrow()
                .iter()
                .map(|(k, x)| (k.clone(), deep_copy(x, depth + 1)))
                .collect(),
        ),
        V::List(l) if depth < 128 => V::list(l.iter().map(|x| deep_copy(x, depth + 1)).collect()),
        other => other.clone(),
    }
}

/// mergo's merge: keys `dst` lacks are filled from `src`, maps merge deeply; with
/// `overwrite`, `src`'s non-empty values win.
fn merge_into(dst: &V, src: &V, overwrite: bool, depth: usize) {
    let (V::Map(d), V::Map(sm)) = (dst, src) else {
        return;
    };
    if depth > 128 || std::rc::Rc::ptr_eq(d, sm) {
        return;
    }
    let src_entries: Vec<(String, V)> = sm
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in src_entries {
        let existing = d.borrow().get(&k).cloned();
        match existing {
            Some(e @ V::Map(_)) if matches!(v, V::Map(_)) => {
                merge_into(&e, &v, overwrite, depth + 1)
            }
            Some(e) if !overwrite || v.is_empty() => {
                if e.is_empty() && !v.is_empty() && !overwrite {
                    d.borrow_mut().insert(k, v);
                }
            }
            _ => {
                d.borrow_mut().insert(k, v);
            }
        }
    }
}

fn apply(ex: &mut Exec, name: &str, a: &[V]) -> R<V> {
    let a0 = || nth(a, 0);
    let a1 = || nth(a, 1);
    let a2 = || nth(a, 2);
    Ok(match name {
        // Go builtins
        "not" => {
            arity(ex, name, a, 1)?;
            V::Bool(!a0().truthy())
        }
        "eq" => {
            arity(ex, name, a, 2)?;
            let x = a0();
            V::Bool(a[1..].iter().any(|y| value::equal(&x, y)))
        }
        "ne" => {
            arity(ex, name, a, 2)?;
            V::Bool(!value::equal(&a0(), &a1()))
        }
        "lt" | "le" | "gt" | "ge" => {
            arity(ex, name, a, 2)?;
            let ord = match (a0(), a1()) {
                (V::Str(x), V::Str(y)) => x.cmp(&y),
                (x, y) => match (x.as_f64(), y.as_f64()) {
                    (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(std::cmp::Ordering::Equal),
                    _ => return ex.fail(format!("{name}: incompatible types for comparison")),
                },
            };
            V::Bool(match name {
                "lt" => ord.is_lt(),
                "le" => ord.is_le(),
                "gt" => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        "len" => {
            arity(ex, name, a, 1)?;
            V::Int(match a0() {
                V::Str(x) => x.len() as i64,
                V::List(l) => l.len() as i64,
                V::Map(m) => m.borrow().len() as i64,
                V::Nil => 0,
                other => return ex.fail(format!("len of type {}", other.type_name())),
            })
        }
        "index" => {
            arity(ex, name, a, 1)?;
            let mut v = a0();
            for k in &a[1..] {
                v = match (&v, k) {
                    (V::Map(m), k) => m.borrow().get(&s(k)).cloned().unwrap_or(V::Nil),
                    (V::List(l), k) => {
                        let i = k.to_i64();
                        match usize::try_from(i).ok().and_then(|i| l.get(i)) {
                            Some(x) => x.clone(),
                            None => return ex.fail(format!("index out of range: {i}")),
                        }
                    }
                    (V::Nil, _) => V::Nil,
                    _ => return ex.fail("can't index item"),
                };
            }
            v
        }
        "slice" => {
            arity(ex, name, a, 1)?;
            let from = a.get(1).map(V::to_i64).unwrap_or(0).max(0) as usize;
            match a0() {
                V::List(l) => {
                    let to = a
                        .get(2)
                        .map(|v| v.to_i64().max(0) as usize)
                        .unwrap_or(l.len())
                        .min(l.len());
                    V::list(l.get(from.min(to)..to).unwrap_or_default().to_vec())
                }
                V::Str(x) => {
                    let to = a
                        .get(2)
                        .map(|v| v.to_i64().max(0) as usize)
                        .unwrap_or(x.len());
                    let (f, t) = (floor(&x, from), floor(&x, to));
                    V::str(x.get(f.min(t)..t).unwrap_or_default())
                }
                other => other,
            }
        }
        "print" => {
            // fmt.Sprint: a space between operands when neither is a string
            let mut out = String::new();
            for (i, v) in a.iter().enumerate() {
                if i > 0 && !matches!(v, V::Str(_)) && !matches!(a[i - 1], V::Str(_)) {
                    out.push(' ');
                }
                out.push_str(&v.to_go_string());
            }
            V::str(out)
        }
        "println" => V::str(format!(
            "{}\n",
            a.iter().map(V::to_go_string).collect::<Vec<_>>().join(" ")
        )),
        "printf" => {
            arity(ex, name, a, 1)?;
            V::str(sprintf(&s(&a0()), &a[1..]))
        }
        "html" | "js" | "urlquery" => V::str(a.iter().map(s).collect::<String>()),
        // Helm
        "required" => {
            arity(ex, name, a, 2)?;
            let v = a1();
            if matches!(&v, V::Nil) || matches!(&v, V::Str(x) if x.is_empty()) {
                return ex.fail(format!("required: {}", s(&a0())));
            }
            v
        }
        "fail" => return ex.fail(format!("fail: {}", s(&a0()))),
        "lookup" => V::map(BTreeMap::new()),
        "toYaml" | "mustToYaml" | "toYamlPretty" => V::str(value::to_yaml(&a0())),
        "toJson" | "mustToJson" | "toRawJson" | "mustToRawJson" => V::str(value::to_json(&a0())),
        "toPrettyJson" | "mustToPrettyJson" => V::str(value::to_json(&a0())),
        "fromYaml" | "mustFromYaml" => match crate::parse::yaml::parse(&s(&a0())) {
            Ok(docs) => docs
                .first()
                .map(value::from_yaml)
                .filter(|v| matches!(v, V::Map(_)))
                .unwrap_or_else(|| V::map(BTreeMap::new())),
            Err(e) => V::map(BTreeMap::from([("Error".to_string(), V::str(e.message))])),
        },
        "fromYamlArray" | "mustFromYamlArray" => match crate::parse::yaml::parse(&s(&a0())) {
            Ok(docs) => docs
                .first()
                .map(value::from_yaml)
                .unwrap_or_else(|| V::list(Vec::new())),
            Err(_) => V::list(Vec::new()),
        },
        "fromJson" | "mustFromJson" | "fromJsonArray" | "mustFromJsonArray" => {
            value::from_json(&s(&a0()))
        }
        "toToml" => V::str(String::new()),
        // defaults and logic
        "default" => {
            let given = a.get(1).cloned().unwrap_or_default();
            if given.is_empty() { a0() } else { given }
        }
        "empty" => V::Bool(a0().is_empty()),
        "coalesce" => a
            .iter()
            .find(|v| !v.is_empty())
            .cloned()
            .unwrap_or_default(),
        "all" => V::Bool(a.iter().all(V::truthy)),
        "any" => V::Bool(a.iter().any(V::truthy)),
        "ternary" => {
            arity(ex, name, a, 3)?;
            if a[2].truthy() { a0() } else { a1() }
        }
        // strings
        "quote" => V::str(
            a.iter()
                .filter(|v| !matches!(v, V::Nil))
                .map(|v| go_quote(&s(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "squote" => V::str(
            a.iter()
                .filter(|v| !matches!(v, V::Nil))
                .map(|v| format!("'{}'", s(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "toString" => V::str(s(&a0())),
        "toStrings" => V::list(list_of(&a0()).iter().map(|v| V::str(s(v))).collect()),
        "indent" => {
            arity(ex, name, a, 2)?;
            V::str(indent(a0().to_i64(), &s(&a1())))
        }
        "nindent" => {
            arity(ex, name, a, 2)?;
            V::str(format!("\n{}", indent(a0().to_i64(), &s(&a1()))))
        }
        "trunc" => {
            arity(ex, name, a, 2)?;
            let n = a0().to_i64();
            let x = s(&a1());
            let len = x.len() as i64;
            if n < 0 && len + n > 0 {
                let i = (len + n) as usize;
                let mut i2 = i;
                while !x.is_char_boundary(i2) {
                    i2 += 1;
                }
                V::str(x.get(i2..).unwrap_or_default())
            } else if n >= 0 && len > n {
                V::str(x.get(..floor(&x, n as usize)).unwrap_or_default())
            } else {
                V::str(x)
            }
        }
        "trimSuffix" => {
            arity(ex, name, a, 2)?;
            let (suf, x) = (s(&a0()), s(&a1()));
            V::str(x.strip_suffix(suf.as_str()).unwrap_or(&x))
        }
        "trimPrefix" => {
            arity(ex, name, a, 2)?;
            let (pre, x) = (s(&a0()), s(&a1()));
            V::str(x.strip_prefix(pre.as_str()).unwrap_or(&x))
        }
        "trim" => V::str(s(&a0()).trim()),
        "trimAll" => {
            arity(ex, name, a, 2)?;
            let cut: Vec<char> = s(&a0()).chars().collect();
            V::str(s(&a1()).trim_matches(|c| cut.contains(&c)))
        }
        "replace" => {
            arity(ex, name, a, 3)?;
            let (old, new, x) = (s(&a0()), s(&a1()), s(&a[2]));
            if old.is_empty() {
                V::str(x)
            } else {
                V::str(x.replace(&old, &new))
            }
        }
        "lower" => V::str(s(&a0()).to_lowercase()),
        "upper" => V::str(s(&a0()).to_uppercase()),
        "title" => V::str(
            s(&a0())
                .split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "untitle" => {
            let x = s(&a0());
            let mut c = x.chars();
            V::str(match c.next() {
                Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
                None => String::new(),
            })
        }
        "repeat" => {
            arity(ex, name, a, 2)?;
            let n = a0().to_i64().clamp(0, 100_000) as usize;
            let x = s(&a1());
            if x.len().saturating_mul(n) > super::eval::MAX_OUTPUT {
                return ex.fail("repeat: the result is too large");
            }
            V::str(x.repeat(n))
        }
        "substr" => {
            arity(ex, name, a, 3)?;
            let x = s(&a[2]);
            let (mut f, mut t) = (a0().to_i64(), a1().to_i64());
            if f < 0 {
                f = 0;
            }
            if t < 0 || t as usize > x.len() {
                t = x.len() as i64;
            }
            let (f, t) = (floor(&x, f as usize), floor(&x, t as usize));
            V::str(x.get(f.min(t)..t).unwrap_or_default())
        }
        "nospace" => V::str(
            s(&a0())
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>(),
        ),
        "contains" => {
            arity(ex, name, a, 2)?;
            V::Bool(s(&a1()).contains(&s(&a0())))
        }
        "hasPrefix" => {
            arity(ex, name, a, 2)?;
            V::Bool(s(&a1()).starts_with(&s(&a0())))
        }
        "hasSuffix" => {
            arity(ex, name, a, 2)?;
            V::Bool(s(&a1()).ends_with(&s(&a0())))
        }
        "cat" => V::str(
            a.iter()
                .filter(|v| !matches!(v, V::Nil))
                .map(s)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "splitList" | "mustSplitList" => {
            arity(ex, name, a, 2)?;
            let (sep, x) = (s(&a0()), s(&a1()));
            if sep.is_empty() {
                V::list(x.chars().map(|c| V::str(c.to_string())).collect())
            } else {
                V::list(x.split(sep.as_str()).map(V::str).collect())
            }
        }
        "split" => {
            arity(ex, name, a, 2)?;
            let (sep, x) = (s(&a0()), s(&a1()));
            let parts: Vec<&str> = if sep.is_empty() {
                vec![x.as_str()]
            } else {
                x.split(sep.as_str()).collect()
            };
            V::map(
                parts
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (format!("_{i}"), V::str(p)))
                    .collect(),
            )
        }
        "splitn" => {
            arity(ex, name, a, 3)?;
            let (sep, n, x) = (s(&a0()), a1().to_i64().max(1) as usize, s(&a[2]));
            V::map(
                x.splitn(n, sep.as_str())
                    .enumerate()
                    .map(|(i, p)| (format!("_{i}"), V::str(p)))
                    .collect(),
            )
        }
        "join" => {
            arity(ex, name, a, 2)?;
            let sep = s(&a0());
            V::str(list_of(&a1()).iter().map(s).collect::<Vec<_>>().join(&sep))
        }
        "snakecase" | "kebabcase" => {
            let sep = if name == "snakecase" { '_' } else { '-' };
            let x = s(&a0());
            let mut out = String::new();
            let mut prev_lower = false;
            for c in x.chars() {
                if c.is_uppercase() {
                    if prev_lower {
                        out.push(sep);
                    }
                    out.extend(c.to_lowercase());
                    prev_lower = false;
                } else if c == '_' || c == '-' || c == ' ' {
                    out.push(sep);
                    prev_lower = false;
                } else {
                    out.push(c);
                    prev_lower = c.is_lowercase() || c.is_ascii_digit();
                }
            }
            V::str(out)
        }
        "camelcase" => V::str(
            s(&a0())
                .split(['_', '-', ' '])
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                        None => String::new(),
                    }
                })
                .collect::<String>(),
        ),
        "abbrev" => {
            arity(ex, name, a, 2)?;
            let (n, x) = (a0().to_i64(), s(&a1()));
            if n < 4 || x.len() as i64 <= n {
                V::str(x)
            } else {
                V::str(format!(
                    "{}...",
                    x.get(..floor(&x, (n - 3) as usize)).unwrap_or_default()
                ))
            }
        }
        "b64enc" => V::str(base64_encode(s(&a0()).as_bytes())),
        "b64dec" => V::str(String::from_utf8_lossy(&base64_decode(&s(&a0()))).into_owned()),
        "sha256sum" => V::str(sha256_hex(s(&a0()).as_bytes())),
        "sha1sum" => V::str(sha1_hex(s(&a0()).as_bytes())),
        "adler32sum" => {
            let (mut x, mut y) = (1u32, 0u32);
            for b in s(&a0()).bytes() {
                x = (x + u32::from(b)) % 65521;
                y = (y + x) % 65521;
            }
            V::str(((y << 16) | x).to_string())
        }
        "wrap" | "wrapWith" => {
            let (n, sep, x) = if name == "wrap" {
                arity(ex, name, a, 2)?;
                (a0().to_i64(), "\n".to_string(), s(&a1()))
            } else {
                arity(ex, name, a, 3)?;
                (a0().to_i64(), s(&a1()), s(&a2()))
            };
            V::str(wrap_words(&x, n.clamp(1, 1 << 20) as usize, &sep))
        }
        "swapcase" => V::str(
            s(&a0())
                .chars()
                .flat_map(|c| {
                    let flipped: Vec<char> = if c.is_uppercase() {
                        c.to_lowercase().collect()
                    } else if c.is_lowercase() {
                        c.to_uppercase().collect()
                    } else {
                        vec![c]
                    };
                    flipped
                })
                .collect::<String>(),
        ),
        "plural" => {
            arity(ex, name, a, 3)?;
            if a2().to_i64() == 1 { a0() } else { a1() }
        }
        "regexQuoteMeta" => V::str(
            s(&a0())
                .chars()
                .flat_map(|c| {
                    let special = "\\.+*?()|[]{}^$".contains(c);
                    special
                        .then_some('\\')
                        .into_iter()
                        .chain(std::iter::once(c))
                })
                .collect::<String>(),
        ),
        "chunk" | "mustChunk" => {
            arity(ex, name, a, 2)?;
            let size = a0().to_i64().max(1) as usize;
            V::list(
                list_of(&a1())
                    .chunks(size)
                    .map(|c| V::list(c.to_vec()))
                    .collect(),
            )
        }
        "initials" => V::str(
            s(&a0())
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect::<String>(),
        ),
        "isAbs" | "osIsAbs" => V::Bool(s(&a0()).starts_with('/')),
        "clean" | "osClean" => V::str(clean_path(&s(&a0()))),
        // random: the lowest value, and the list as given
        "randInt" => {
            arity(ex, name, a, 2)?;
            a0()
        }
        "shuffle" => a0(),
        "base" => V::str(
            s(&a0())
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string(),
        ),
        "dir" => {
            let x = s(&a0());
            V::str(match x.rfind('/') {
                Some(0) => "/".to_string(),
                Some(i) => x.get(..i).unwrap_or_default().to_string(),
                None => ".".to_string(),
            })
        }
        "ext" => {
            let x = s(&a0());
            let base = x.rsplit('/').next().unwrap_or("");
            V::str(
                base.rfind('.')
                    .map(|i| base.get(i..).unwrap_or_default())
                    .unwrap_or(""),
            )
        }
        "regexMatch" | "mustRegexMatch" => {
            arity(ex, name, a, 2)?;
            V::Bool(regex_of(ex, &s(&a0()))?.is_match(&s(&a1())))
        }
        "regexFind" | "mustRegexFind" => {
            arity(ex, name, a, 2)?;
            let re = regex_of(ex, &s(&a0()))?;
            V::str(
                re.find(&s(&a1()))
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
            )
        }
        "regexFindAll" | "mustRegexFindAll" => {
            arity(ex, name, a, 3)?;
            let re = regex_of(ex, &s(&a0()))?;
            let x = s(&a1());
            let n = a[2].to_i64();
            let all = re.find_iter(&x).map(|m| V::str(m.as_str()));
            V::list(if n < 0 {
                all.collect()
            } else {
                all.take(n as usize).collect()
            })
        }
        "regexReplaceAll" | "mustRegexReplaceAll" => {
            arity(ex, name, a, 3)?;
            let re = regex_of(ex, &s(&a0()))?;
            V::str(re.replace_all(&s(&a1()), s(&a[2]).as_str()).into_owned())
        }
        "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral" => {
            arity(ex, name, a, 3)?;
            let re = regex_of(ex, &s(&a0()))?;
            V::str(
                re.replace_all(&s(&a1()), regex::NoExpand(&s(&a[2])))
                    .into_owned(),
            )
        }
        "regexSplit" | "mustRegexSplit" => {
            arity(ex, name, a, 3)?;
            let re = regex_of(ex, &s(&a0()))?;
            V::list(re.split(&s(&a1())).map(V::str).collect())
        }
        "semverCompare" | "mustSemverCompare" => {
            arity(ex, name, a, 2)?;
            match semver_matches(&s(&a0()), &s(&a1())) {
                Some(b) => V::Bool(b),
                None => {
                    return ex.fail(format!(
                        "semverCompare: can't read `{}` or `{}`",
                        s(&a0()),
                        s(&a1())
                    ));
                }
            }
        }
        "semver" => {
            let x = s(&a0());
            match parse_version(&x) {
                Some(v) => V::map(BTreeMap::from([
                    ("Major".to_string(), V::Int(v.0 as i64)),
                    ("Minor".to_string(), V::Int(v.1 as i64)),
                    ("Patch".to_string(), V::Int(v.2 as i64)),
                    ("Prerelease".to_string(), V::str(v.3.as_str())),
                    ("Original".to_string(), V::str(x.as_str())),
                ])),
                None => return ex.fail(format!("semver: can't read `{x}`")),
            }
        }
        // lists and dicts
        "list" | "tuple" => V::list(a.to_vec()),
        "dict" => {
            let mut m = BTreeMap::new();
            for pair in a.chunks(2) {
                let k = s(&pair[0]);
                m.insert(k, pair.get(1).cloned().unwrap_or_default());
            }
            V::map(m)
        }
        "get" => {
            arity(ex, name, a, 2)?;
            a0().get(&s(&a1())).pipe_nil(|| V::str(""))
        }
        "set" => {
            arity(ex, name, a, 3)?;
            if let V::Map(m) = a0() {
                match m.try_borrow_mut() {
                    Ok(mut m) => {
                        m.insert(s(&a1()), a[2].clone());
                    }
                    Err(_) => return ex.fail("set: the map is in use"),
                }
            }
            a0()
        }
        "unset" => {
            arity(ex, name, a, 2)?;
            if let V::Map(m) = a0()
                && let Ok(mut m) = m.try_borrow_mut()
            {
                m.remove(&s(&a1()));
            }
            a0()
        }
        "hasKey" => {
            arity(ex, name, a, 2)?;
            V::Bool(matches!(a0(), V::Map(m) if m.borrow().contains_key(&s(&a1()))))
        }
        "keys" => {
            let mut ks: Vec<V> = a.iter().flat_map(entries).map(|(k, _)| V::str(k)).collect();
            ks.sort_by_key(s);
            V::list(ks)
        }
        "values" => V::list(entries(&a0()).into_iter().map(|(_, v)| v).collect()),
        "pluck" => {
            arity(ex, name, a, 1)?;
            let k = s(&a0());
            V::list(
                a[1..]
                    .iter()
                    .filter_map(|m| match m {
                        V::Map(m) => m.borrow().get(&k).cloned(),
                        _ => None,
                    })
                    .collect(),
            )
        }
        "pick" | "omit" => {
            arity(ex, name, a, 1)?;
            let ks: Vec<String> = a[1..].iter().map(s).collect();
            let keep = name == "pick";
            V::map(
                entries(&a0())
                    .into_iter()
                    .filter(|(k, _)| ks.contains(k) == keep)
                    .collect(),
            )
        }
        "dig" => {
            arity(ex, name, a, 3)?;
            let n = a.len();
            let (keys, default, map) = (&a[..n - 2], &a[n - 2], &a[n - 1]);
            let mut v = map.clone();
            for k in keys {
                v = v.get(&s(k));
                if matches!(v, V::Nil) {
                    return Ok(default.clone());
                }
            }
            v
        }
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => {
            arity(ex, name, a, 1)?;
            let dst = a0();
            for src in &a[1..] {
                merge_into(&dst, src, name.contains("Overwrite"), 0);
            }
            dst
        }
        "deepCopy" | "mustDeepCopy" => deep_copy(&a0(), 0),
        "first" | "mustFirst" => list_of(&a0()).first().cloned().unwrap_or_default(),
        "last" | "mustLast" => list_of(&a0()).last().cloned().unwrap_or_default(),
        "rest" | "mustRest" => V::list(list_of(&a0()).into_iter().skip(1).collect()),
        "initial" | "mustInitial" => {
            let mut l = list_of(&a0());
            l.pop();
            V::list(l)
        }
        "append" | "push" | "mustAppend" | "mustPush" => {
            arity(ex, name, a, 2)?;
            let mut l = list_of(&a0());
            l.push(a1());
            V::list(l)
        }
        "prepend" | "mustPrepend" => {
            arity(ex, name, a, 2)?;
            let mut l = list_of(&a0());
            l.insert(0, a1());
            V::list(l)
        }
        "concat" => V::list(a.iter().flat_map(list_of).collect()),
        "reverse" | "mustReverse" => {
            let mut l = list_of(&a0());
            l.reverse();
            V::list(l)
        }
        "uniq" | "mustUniq" => {
            let mut out: Vec<V> = Vec::new();
            for v in list_of(&a0()) {
                if !out.iter().any(|o| value::equal(o, &v)) {
                    out.push(v);
                }
            }
            V::list(out)
        }
        "compact" | "mustCompact" => V::list(
            list_of(&a0())
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect(),
        ),
        "without" | "mustWithout" => {
            arity(ex, name, a, 1)?;
            V::list(
                list_of(&a0())
                    .into_iter()
                    .filter(|v| !a[1..].iter().any(|w| value::equal(v, w)))
                    .collect(),
            )
        }
        "has" | "mustHas" => {
            arity(ex, name, a, 2)?;
            let needle = a0();
            V::Bool(list_of(&a1()).iter().any(|v| value::equal(v, &needle)))
        }
        "sortAlpha" => {
            let mut l: Vec<String> = list_of(&a0()).iter().map(s).collect();
            l.sort();
            V::list(l.into_iter().map(V::str).collect())
        }
        "until" => {
            let n = a0().to_i64().clamp(-100_000, 100_000);
            V::list(if n >= 0 {
                (0..n).map(V::Int).collect()
            } else {
                (n + 1..=0).rev().map(V::Int).collect()
            })
        }
        "untilStep" => {
            arity(ex, name, a, 3)?;
            let (from, to, step) = (a0().to_i64(), a1().to_i64(), a[2].to_i64());
            let mut out = Vec::new();
            let mut i = from;
            while step != 0 && ((step > 0 && i < to) || (step < 0 && i > to)) && out.len() < 100_000
            {
                out.push(V::Int(i));
                i += step;
            }
            V::list(out)
        }
        "seq" => {
            let nums: Vec<i64> = a.iter().map(V::to_i64).collect();
            let (from, step, to) = match nums.as_slice() {
                [to] => (1, 1, *to),
                [from, to] => (*from, if from <= to { 1 } else { -1 }, *to),
                [from, step, to] => (*from, *step, *to),
                _ => (1, 1, 0),
            };
            let mut out = Vec::new();
            let mut i = from;
            while step != 0
                && ((step > 0 && i <= to) || (step < 0 && i >= to))
                && out.len() < 100_000
            {
                out.push(i.to_string());
                i += step;
            }
            V::str(out.join(" "))
        }
        // types and numbers
        "int" | "int64" | "toDecimal" => V::Int(a0().to_i64()),
        "atoi" => V::Int(s(&a0()).trim().parse().unwrap_or(0)),
        "float64" => V::Float(a0().to_f64()),
        "kindOf" => V::str(a0().kind()),
        "kindIs" => {
            arity(ex, name, a, 2)?;
            V::Bool(s(&a0()) == a1().kind())
        }
        "typeOf" => V::str(a0().type_name()),
        "typeIs" | "typeIsLike" => {
            arity(ex, name, a, 2)?;
            V::Bool(s(&a0()) == a1().type_name())
        }
        "add" => V::Int(a.iter().map(V::to_i64).fold(0i64, i64::wrapping_add)),
        "add1" => V::Int(a0().to_i64().wrapping_add(1)),
        "sub" => V::Int(a0().to_i64().wrapping_sub(a1().to_i64())),
        "mul" => V::Int(a.iter().map(V::to_i64).fold(1i64, i64::wrapping_mul)),
        "div" | "mod" => {
            let d = a1().to_i64();
            if d == 0 {
                return ex.fail(format!("{name}: division by zero"));
            }
            V::Int(if name == "div" {
                a0().to_i64().wrapping_div(d)
            } else {
                a0().to_i64().wrapping_rem(d)
            })
        }
        "max" => V::Int(a.iter().map(V::to_i64).max().unwrap_or(0)),
        "min" => V::Int(a.iter().map(V::to_i64).min().unwrap_or(0)),
        "addf" => V::Float(a.iter().map(V::to_f64).sum()),
        "subf" => V::Float(a0().to_f64() - a1().to_f64()),
        "mulf" => V::Float(a.iter().map(V::to_f64).product()),
        "divf" => V::Float(a0().to_f64() / a1().to_f64()),
        "floor" => V::Float(a0().to_f64().floor()),
        "ceil" => V::Float(a0().to_f64().ceil()),
        "round" => {
            let p = 10f64.powi(a1().to_i64().clamp(0, 15) as i32);
            V::Float((a0().to_f64() * p).round() / p)
        }
        // what would read the clock, a random source or a cluster: fixed and recognisable
        "now" => V::str("2006-01-02T15:04:05Z"),
        "date" | "dateInZone" | "htmlDate" | "htmlDateInZone" | "unixEpoch" => V::str("2006-01-02"),
        "randAlphaNum" | "randAlpha" | "randNumeric" | "randAscii" => {
            V::str("x".repeat(a0().to_i64().clamp(0, 4096) as usize))
        }
        "uuidv4" => V::str("00000000-0000-4000-8000-000000000000"),
        "derivePassword" | "htpasswd" | "encryptAES" | "decryptAES" | "bcrypt" => V::str(""),
        "genCA" | "genSelfSignedCert" | "genSignedCert" | "genPrivateKey" | "buildCustomCert" => {
            V::map(BTreeMap::from([
                ("Cert".to_string(), V::str("")),
                ("Key".to_string(), V::str("")),
            ]))
        }
        "env" | "expandenv" => V::str(""),
        "getHostByName" => V::str(""),
        _ => return ex.fail(format!("function \"{name}\" not defined")),
    })
}

trait PipeNil {
    fn pipe_nil(self, f: impl FnOnce() -> V) -> V;
}
impl PipeNil for V {
    fn pipe_nil(self, f: impl FnOnce() -> V) -> V {
        if matches!(self, V::Nil) { f() } else { self }
    }
}

/// Methods of the built-in objects.
pub fn method(ex: &mut Exec, m: &'static str, a: &[V]) -> R<V> {
    Ok(match m {
        "APIVersions.Has" => V::Bool(api_version_known(&s(&nth(a, 0)))),
        "Files.Get" => V::str((ex.world.files)(&s(&nth(a, 0))).unwrap_or_default()),
        "Files.Glob" => {
            let pat = s(&nth(a, 0));
            let g = globset::Glob::new(&pat).map(|g| g.compile_matcher());
            let mut m = BTreeMap::new();
            if let Ok(g) = g {
                for p in ex.world.file_paths.iter().filter(|p| g.is_match(p)) {
                    m.insert(p.clone(), V::str((ex.world.files)(p).unwrap_or_default()));
                }
            }
            V::map(m)
        }
        "Files.Lines" => V::list(
            (ex.world.files)(&s(&nth(a, 0)))
                .unwrap_or_default()
                .lines()
                .map(V::str)
                .collect(),
        ),
        _ => return ex.fail(format!("no method {m}")),
    })
}

/// What `.Capabilities.APIVersions.Has` answers without a cluster: the group versions built
/// into Kubernetes (Helm's default set), no custom resources.
fn api_version_known(gv: &str) -> bool {
    const GROUPS: &[&str] = &[
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apps",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "extensions",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "storagemigration.k8s.io",
        "imagepolicy.k8s.io",
    ];
    if gv == "v1" {
        return true;
    }
    let Some((group, version)) = gv.split_once('/') else {
        return false;
    };
    if version.contains('/') || (group == "autoscaling" && version.starts_with("v2beta")) {
        return false;
    }
    GROUPS.contains(&group)
}

fn regex_of(ex: &Exec, re: &str) -> R<regex::Regex> {
    regex::RegexBuilder::new(re)
        .size_limit(1 << 20)
        .build()
        .or_else(|e| ex.fail(format!("bad regular expression: {e}")))
}

/// Go's `fmt.Sprintf` for the verbs charts use.
fn sprintf(format: &str, args: &[V]) -> String {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+# 0".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut prec: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            prec = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = it.next() else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        let bad = |arg: &V| format!("%!{verb}({}={})", arg.type_name(), arg.to_go_string());
        let body = match verb {
            'v' | 's' => match (verb, arg) {
                ('s', V::Int(_) | V::Float(_) | V::Bool(_)) => bad(arg),
                ('s', V::Nil) => "%!s(<nil>)".to_string(),
                ('v', V::Nil) => "<nil>".to_string(),
                _ => {
                    let t = arg.to_go_string();
                    match prec {
                        Some(p) => t.chars().take(p).collect(),
                        None => t,
                    }
                }
            },
            'q' => match arg {
                V::Str(x) => go_quote(x),
                _ => bad(arg),
            },
            'd' => match arg {
                V::Int(i) => {
                    if flags.contains('+') && *i >= 0 {
                        format!("+{i}")
                    } else {
                        i.to_string()
                    }
                }
                _ => bad(arg),
            },
            'x' | 'X' => {
                let t = match arg {
                    V::Int(i) => format!("{i:x}"),
                    V::Str(x) => x.bytes().map(|b| format!("{b:02x}")).collect(),
                    _ => bad(arg),
                };
                if verb == 'X' { t.to_uppercase() } else { t }
            }
            'o' => match arg {
                V::Int(i) => format!("{i:o}"),
                _ => bad(arg),
            },
            't' => match arg {
                V::Bool(b) => b.to_string(),
                _ => bad(arg),
            },
            'f' | 'F' => match arg.as_f64() {
                Some(f) if matches!(arg, V::Float(_)) => format!("{:.*}", prec.unwrap_or(6), f),
                _ => bad(arg),
            },
            'e' | 'g' => match arg {
                V::Float(f) => {
                    if verb == 'g' {
                        value::go_float(*f)
                    } else {
                        format!("{:.*e}", prec.unwrap_or(6), f)
                    }
                }
                _ => bad(arg),
            },
            _ => bad(arg),
        };
        let w: usize = width.parse().unwrap_or(0).min(4096);
        let len = body.chars().count();
        if len < w {
            let pad = w - len;
            if flags.contains('-') {
                out.push_str(&body);
                out.push_str(&" ".repeat(pad));
            } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'x' | 'X') {
                let (sign, digits) = match body.strip_prefix('-') {
                    Some(d) => ("-", d),
                    None => ("", body.as_str()),
                };
                out.push_str(sign);
                out.push_str(&"0".repeat(pad));
                out.push_str(digits);
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    let extra: Vec<&V> = it.collect();
    if !extra.is_empty() {
        out.push_str("%!(EXTRA ");
        out.push_str(
            &extra
                .iter()
                .map(|v| format!("{}={}", v.type_name(), v.to_go_string()))
                .collect::<Vec<_>>()
                .join(", "),
        );
        out.push(')');
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(B64[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let Some(v) = B64.iter().position(|&b| b == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// SHA-256 (FIPS 180-4), as `sha256sum` gives it: lowercase hex.
/// Go's `path.Clean`: one slash between names, no `.`, `..` resolved where it can be.
fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Sprig's `wrap`: break lines at the last space within `width` bytes; a word longer than
/// the width stays whole up to the next space.
fn wrap_words(text: &str, width: usize, sep: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut offset = 0usize;
    while b.len() - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        match b[offset..end].iter().rposition(|&c| c == b' ') {
            Some(i) => {
                out.extend_from_slice(&b[offset..offset + i]);
                out.extend_from_slice(sep.as_bytes());
                offset += i + 1;
            }
            _ => {
                let end = width + offset;
                match b[end..].iter().position(|&c| c == b' ') {
                    None => {
                        out.extend_from_slice(&b[offset..]);
                        offset = b.len();
                    }
                    Some(i) => {
                        out.extend_from_slice(&b[offset..end + i]);
                        out.extend_from_slice(sep.as_bytes());
                        offset = end + i + 1;
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

/// SHA-1 of `data`, as lowercase hex (`sha1sum`).
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, c) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

pub fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate().take(16) {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for (a, b) in h.iter_mut().zip(v) {
            *a = a.wrapping_add(b);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

/// A version `major.minor.patch[-pre]` (a leading `v`, missing parts are 0).
fn parse_version(text: &str) -> Option<(u64, u64, u64, String)> {
    let t = text.trim().trim_start_matches(['v', 'V', '=']);
    let (core, pre) = match t.split_once('-') {
        Some((c, p)) => (c, p.split('+').next().unwrap_or("").to_string()),
        None => (t.split('+').next().unwrap_or(""), String::new()),
    };
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map(|p| p.parse().ok()).unwrap_or(Some(0))?;
    let patch = parts.next().map(|p| p.parse().ok()).unwrap_or(Some(0))?;
    Some((major, minor, patch, pre))
}

fn cmp_version(a: &(u64, u64, u64, String), b: &(u64, u64, u64, String)) -> std::cmp::Ordering {
    (a.0, a.1, a.2)
        .cmp(&(b.0, b.1, b.2))
        .then_with(|| match (a.3.is_empty(), b.3.is_empty()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (false, false) => a.3.cmp(&b.3),
        })
}

/// Masterminds/semver constraints: `||` of comma- or space-separated comparisons, with `~`,
/// `^` and `x` wildcards.
fn semver_matches(constraint: &str, version: &str) -> Option<bool> {
    let v = parse_version(version)?;
    let mut any = false;
    for alt in constraint.split("||") {
        let mut all = true;
        for part in alt.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
            let part = part.trim();
            let op_len = part
                .find(|c: char| c.is_ascii_digit() || c == 'v' || c == 'x' || c == 'X' || c == '*')
                .unwrap_or(part.len());
            let (op, rest) = part.split_at(op_len);
            let rest = rest.trim();
            // a constraint with a prerelease (`-0`) admits prereleases; without, a
            // prerelease version never matches
            let allows_pre = rest.contains('-');
            if !v.3.is_empty() && !allows_pre {
                all = false;
                break;
            }
            let wild = |s: &str| s == "x" || s == "X" || s == "*";
            let fields: Vec<&str> = rest
                .split('-')
                .next()
                .unwrap_or("")
                .trim_start_matches('v')
                .split('.')
                .collect();
            let given = fields
                .iter()
                .take_while(|f| !wild(f) && !f.is_empty())
                .count();
            let c = parse_version(&rest.replace(['x', 'X', '*'], "0")).unwrap_or((
                0,
                0,
                0,
                String::new(),
            ));
            let ord = cmp_version(&v, &c);
            let core = (v.0, v.1, v.2);
            let ok = match op.trim() {
                "" | "=" if given < 3 => match given {
                    0 => true,
                    1 => v.0 == c.0,
                    _ => v.0 == c.0 && v.1 == c.1,
                },
                "" | "=" => ord.is_eq(),
                "!=" => !ord.is_eq(),
                ">" => ord.is_gt(),
                "<" => ord.is_lt(),
                ">=" | "=>" => ord.is_ge(),
                "<=" | "=<" => ord.is_le(),
                "~" | "~>" => {
                    let upper = if given >= 2 {
                        (c.0, c.1 + 1, 0)
                    } else {
                        (c.0 + 1, 0, 0)
                    };
                    ord.is_ge() && core < upper
                }
                "^" => {
                    ord.is_ge()
                        && if c.0 > 0 {
                            v.0 == c.0
                        } else if c.1 > 0 {
                            v.0 == 0 && v.1 == c.1
                        } else {
                            core == (c.0, c.1, c.2)
                        }
                }
                _ => return None,
            };
            if !ok {
                all = false;
                break;
            }
        }
        any |= all;
    }
    Some(any)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_wrap_and_paths_match_go() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            sha1_hex(b"hello"),
            "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
        );
        assert_eq!(
            wrap_words("the quick brown fox jumps", 10, "\n"),
            "the quick\nbrown fox\njumps"
        );
        assert_eq!(
            wrap_words("averyveryverylongword and more", 5, "\n"),
            "averyveryverylongword\nand\nmore"
        );
        assert_eq!(clean_path("a//b/./c/../d/"), "a/b/d");
        assert_eq!(clean_path("/../x"), "/x");
        assert_eq!(clean_path("../../x"), "../../x");
    }

    #[test]
    fn sha256_matches_known_digests() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // what Helm printed for `"x" | sha256sum`
        assert_eq!(
            sha256_hex(b"x"),
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
        );
    }

    #[test]
    fn base64_round_trips() {
        for s in ["", "a", "ab", "abc", "abcd", "héllo wörld"] {
            assert_eq!(base64_decode(&base64_encode(s.as_bytes())), s.as_bytes());
        }
        assert_eq!(base64_encode(b"abc"), "YWJj");
        assert_eq!(base64_encode(b"ab"), "YWI=");
    }

    #[test]
    fn semver_constraints() {
        assert_eq!(semver_matches(">=1.19-0", "v1.36.0"), Some(true));
        assert_eq!(semver_matches("<1.19", "v1.36.0"), Some(false));
        assert_eq!(semver_matches(">=1.14-0, <1.19-0", "v1.16.3"), Some(true));
        assert_eq!(semver_matches("~1.2", "1.2.9"), Some(true));
        assert_eq!(semver_matches("~1.2", "1.3.0"), Some(false));
        assert_eq!(semver_matches("^1.2", "1.9.0"), Some(true));
        assert_eq!(semver_matches("1.x", "1.9.0"), Some(true));
        assert_eq!(semver_matches(">=1.0", "1.2.0-beta"), Some(false));
    }

    #[test]
    fn printf_verbs() {
        let a = [V::str("x"), V::Int(3), V::Float(3.0)];
        assert_eq!(sprintf("%s-%d-%v", &a), "x-3-3");
        assert_eq!(sprintf("%d", &[V::Float(3.0)]), "%!d(float64=3)");
        assert_eq!(
            sprintf("%q %5s|%-3d|", &[V::str("a\"b"), V::str("ab"), V::Int(7)]),
            "\"a\\\"b\"    ab|7  |"
        );
        assert_eq!(sprintf("%s", &[]), "%!s(MISSING)");
    }
}
