//! Executes a parsed template: control flow, variables, pipelines and calls, with hard budgets,
//! writing the output together with a map from each output byte back to the template text
//! that produced it.

use super::funcs;
use super::template::{Arg, Cmd, Node, Pipe};
use super::value::V;
use foldhash::HashMap;
use std::rc::Rc;

/// Most steps (nodes run, range iterations, calls) one template may take.
pub const MAX_STEPS: u64 = 2_000_000;
/// Most bytes one rendered template may hold.
pub const MAX_OUTPUT: usize = 8 * 1024 * 1024;
/// Deepest chain of `include`/`template`/`tpl` calls.
pub const MAX_CALL_DEPTH: usize = 100;

/// Where a run of output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapEntry {
    /// Offset in the output where the run starts.
    pub out: usize,
    /// Span of template text that produced it.
    pub src: (usize, usize),
    /// Literal text: output byte `out + k` is template byte `src.0 + k`.
    pub literal: bool,
}

/// Rendered text and where each part came from, in output order.
#[derive(Debug, Default, Clone)]
pub struct Output {
    pub text: String,
    pub map: Vec<MapEntry>,
}

impl Output {
    /// The template span behind output bytes `start..end`.
    pub fn source_span(&self, start: usize, end: usize) -> (usize, usize) {
        let find = |o: usize| {
            let i = self.map.partition_point(|e| e.out <= o);
            i.checked_sub(1).and_then(|i| self.map.get(i))
        };
        let Some(a) = find(start) else {
            return (0, 0);
        };
        let at = |e: &MapEntry, o: usize| {
            if e.literal {
                (e.src.0 + (o - e.out)).min(e.src.1)
            } else {
                e.src.0
            }
        };
        let s = at(a, start);
        let last = end.saturating_sub(1).max(start);
        match find(last) {
            Some(b) if b == a && a.literal => (s, (at(a, last) + 1).min(a.src.1).max(s)),
            Some(b) if b == a => a.src,
            // spanning runs: to the end of the last one when it lies further on in the
            // template, else (a range's body again) to the end of the run the start is in
            Some(b) => {
                let b_end = if b.literal {
                    (at(b, last) + 1).min(b.src.1)
                } else {
                    b.src.1
                };
                let a_end = if a.literal { a.src.1 } else { a.src.1.max(s) };
                (s, if b_end >= a_end { b_end } else { a_end })
            }
            None => (s, if a.literal { a.src.1 } else { a.src.1.max(s) }),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    /// Span in the template being rendered (a call site when the error is inside a helper).
    pub span: (usize, usize),
    pub message: String,
}

pub(super) type R<T> = Result<T, EvalError>;

enum Flow {
    Normal,
    Break,
    Continue,
}

/// What a template can reach besides its dot: other templates, the chart's files.
pub struct World<'a> {
    pub defines: &'a HashMap<String, Rc<Vec<Node>>>,
    /// `.Files.Get`: a chart file's text by its path in the chart.
    pub files: &'a dyn Fn(&str) -> Option<String>,
    /// Paths of the chart's files, for `.Files.Glob`.
    pub file_paths: &'a [String],
}

pub struct Exec<'a> {
    pub world: &'a World<'a>,
    vars: Vec<(String, V)>,
    steps: u64,
    depth: usize,
    /// While inside a helper, every byte written maps to this call site.
    anchor: Option<(usize, usize)>,
    /// The span being executed, for errors.
    here: (usize, usize),
}

impl<'a> Exec<'a> {
    pub fn new(world: &'a World<'a>) -> Self {
        Exec {
            world,
            vars: Vec::new(),
            steps: 0,
            depth: 0,
            anchor: None,
            here: (0, 0),
        }
    }

    pub(super) fn fail<T>(&self, message: impl Into<String>) -> R<T> {
        Err(EvalError {
            span: self.anchor.unwrap_or(self.here),
            message: message.into(),
        })
    }

    fn tick(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return self
                .fail("the template takes too many steps (a budget keeps hostile charts fast)");
        }
        Ok(())
    }

    /// Run a whole template with `dot` as both `.` and `$`.
    pub fn render(&mut self, nodes: &[Node], dot: &V) -> R<Output> {
        let mut out = Output::default();
        self.vars.clear();
        self.vars.push(("".into(), dot.clone()));
        self.run(nodes, dot, &mut out)?;
        Ok(out)
    }

    fn emit(&mut self, out: &mut Output, text: &str, src: (usize, usize), literal: bool) -> R<()> {
        if text.is_empty() {
            return Ok(());
        }
        if out.text.len() + text.len() > MAX_OUTPUT {
            return self
                .fail("the rendered template is too large (a budget keeps hostile charts fast)");
        }
        let (src, literal) = match self.anchor {
            Some(a) => (a, false),
            None => (src, literal),
        };
        let entry = MapEntry {
            out: out.text.len(),
            src,
            literal,
        };
        if out
            .map
            .last()
            .is_none_or(|l| !(l.src == entry.src && !l.literal && !entry.literal))
        {
            out.map.push(entry);
        }
        out.text.push_str(text);
        Ok(())
    }

    fn run(&mut self, nodes: &[Node], dot: &V, out: &mut Output) -> R<Flow> {
        for n in nodes {
            self.tick()?;
            match n {
                Node::Text { at, text } => self.emit(out, text, (*at, at + text.len()), true)?,
                Node::Action { span, pipe } => {
                    self.here = *span;
                    let v = self.pipe(pipe, dot)?;
                    if pipe.vars.is_empty() {
                        let s = print_value(&v);
                        self.emit(out, &s, *span, false)?;
                    }
                }
                Node::If {
                    span,
                    pipe,
                    then,
                    els,
                } => {
                    self.here = *span;
                    let mark = self.vars.len();
                    let v = self.pipe(pipe, dot)?;
                    let flow = if v.truthy() {
                        self.run(then, dot, out)?
                    } else {
                        self.run(els, dot, out)?
                    };
                    self.vars.truncate(mark);
                    if !matches!(flow, Flow::Normal) {
                        return Ok(flow);
                    }
                }
                Node::With {
                    span,
                    pipe,
                    then,
                    els,
                } => {
                    self.here = *span;
                    let mark = self.vars.len();
                    let v = self.pipe(pipe, dot)?;
                    let flow = if v.truthy() {
                        self.run(then, &v, out)?
                    } else {
                        self.run(els, dot, out)?
                    };
                    self.vars.truncate(mark);
                    if !matches!(flow, Flow::Normal) {
                        return Ok(flow);
                    }
                }
                Node::Range {
                    span,
                    pipe,
                    body,
                    els,
                } => {
                    self.here = *span;
                    self.range(pipe, body, els, dot, out)?;
                }
                Node::Template { span, name, pipe } => {
                    self.here = *span;
                    let arg = match pipe {
                        Some(p) => self.pipe(p, dot)?,
                        None => V::Nil,
                    };
                    let saved = self.anchor;
                    self.anchor = Some(saved.unwrap_or(*span));
                    let r = self.call_template(name, &arg, out);
                    self.anchor = saved;
                    r?;
                }
                Node::Break => return Ok(Flow::Break),
                Node::Continue => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    fn range(
        &mut self,
        pipe: &Pipe,
        body: &[Node],
        els: &[Node],
        dot: &V,
        out: &mut Output,
    ) -> R<()> {
        // the pipeline's own variables are the loop's key and element, not its value
        let inner = Pipe {
            vars: Vec::new(),
            assign: false,
            cmds: pipe.cmds.clone(),
        };
        let v = self.pipe(&inner, dot)?;
        let items: Vec<(V, V)> = match &v {
            V::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, x)| (V::Int(i as i64), x.clone()))
                .collect(),
            V::Map(m) => m
                .borrow()
                .iter()
                .map(|(k, x)| (V::str(k.as_str()), x.clone()))
                .collect(),
            V::Int(n) => (0..(*n).clamp(0, MAX_STEPS as i64))
                .map(|i| (V::Int(i), V::Int(i)))
                .collect(),
            V::Nil => Vec::new(),
            other => {
                return self.fail(format!("range can't iterate over {}", other.to_go_string()));
            }
        };
        if items.is_empty() {
            let mark = self.vars.len();
            self.run(els, dot, out)?;
            self.vars.truncate(mark);
            return Ok(());
        }
        for (k, x) in items {
            self.tick()?;
            let mark = self.vars.len();
            match pipe.vars.as_slice() {
                [] => {}
                [e] => self.vars.push((e.clone(), x.clone())),
                [kv, e, ..] => {
                    self.vars.push((kv.clone(), k));
                    self.vars.push((e.clone(), x.clone()));
                }
            }
            let flow = self.run(body, &x, out)?;
            self.vars.truncate(mark);
            if matches!(flow, Flow::Break) {
                break;
            }
        }
        Ok(())
    }

    /// Execute template `name` with `dot`, writing into `out`.
    fn call_template(&mut self, name: &str, dot: &V, out: &mut Output) -> R<()> {
        let Some(body) = self.world.defines.get(name).cloned() else {
            return self.fail(format!("no template \"{name}\" is defined"));
        };
        if self.depth >= MAX_CALL_DEPTH {
            return self.fail("templates call each other too deeply");
        }
        self.depth += 1;
        let saved = std::mem::take(&mut self.vars);
        self.vars.push(("".into(), dot.clone()));
        let r = self.run(&body, dot, out);
        self.vars = saved;
        self.depth -= 1;
        r.map(|_| ())
    }

    /// `include`: a template's output as a string.
    pub(super) fn include(&mut self, name: &str, dot: &V) -> R<V> {
        let mut buf = Output::default();
        let saved = self.anchor;
        self.anchor = Some(saved.unwrap_or(self.here));
        let r = self.call_template(name, dot, &mut buf);
        self.anchor = saved;
        r?;
        Ok(V::str(buf.text))
    }

    /// `tpl`: a string rendered as a template, seeing the chart's templates.
    pub(super) fn tpl(&mut self, text: &str, dot: &V) -> R<V> {
        let parsed = match super::template::parse(text) {
            Ok(p) => p,
            Err(e) => return self.fail(format!("tpl: {}", e.message)),
        };
        if self.depth >= MAX_CALL_DEPTH {
            return self.fail("templates call each other too deeply");
        }
        // its own defines shadow the chart's for this call
        let mut defines = self.world.defines.clone();
        defines.extend(parsed.defines);
        let world = World {
            defines: &defines,
            files: self.world.files,
            file_paths: self.world.file_paths,
        };
        let mut sub = Exec {
            world: &world,
            vars: vec![("".into(), dot.clone())],
            steps: self.steps,
            depth: self.depth + 1,
            anchor: Some(self.anchor.unwrap_or(self.here)),
            here: self.here,
        };
        let mut buf = Output::default();
        let r = sub.run(&parsed.nodes, dot, &mut buf);
        self.steps = sub.steps;
        r?;
        Ok(V::str(buf.text))
    }

    fn var(&self, name: &str) -> R<V> {
        if name.is_empty() {
            // `$`: the dot the template was called with
            return Ok(self
                .vars
                .first()
                .map(|(_, v)| v.clone())
                .unwrap_or_default());
        }
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.fail(format!("undefined variable \"${name}\"")),
        }
    }

    pub(super) fn pipe(&mut self, p: &Pipe, dot: &V) -> R<V> {
        let mut last: Option<V> = None;
        for cmd in &p.cmds {
            self.tick()?;
            last = Some(self.cmd(cmd, dot, last)?);
        }
        let v = last.unwrap_or_default();
        if let Some(name) = p.vars.first() {
            if p.assign {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = v.clone(),
                    None => return self.fail(format!("undefined variable \"${name}\"")),
                }
            } else {
                self.vars.push((name.clone(), v.clone()));
            }
        }
        Ok(v)
    }

    fn cmd(&mut self, cmd: &Cmd, dot: &V, piped: Option<V>) -> R<V> {
        let Some(first) = cmd.args.first() else {
            return Ok(V::Nil);
        };
        let rest = cmd.args.get(1..).unwrap_or_default();
        if let Arg::Ident(name) = first {
            return funcs::call(self, name, rest, dot, piped);
        }
        let head = self.arg(first, dot)?;
        if rest.is_empty() && piped.is_none() {
            return Ok(head);
        }
        match head {
            V::Method(m) => {
                let mut args = Vec::with_capacity(rest.len() + 1);
                for a in rest {
                    args.push(self.arg(a, dot)?);
                }
                args.extend(piped);
                funcs::method(self, m, &args)
            }
            _ => self.fail("can't give argument to non-function"),
        }
    }

    pub(super) fn arg(&mut self, a: &Arg, dot: &V) -> R<V> {
        Ok(match a {
            Arg::Field(chain) => self.fields(dot.clone(), chain)?,
            Arg::Var(name, chain) => {
                let v = self.var(name)?;
                self.fields(v, chain)?
            }
            Arg::Ident(name) => funcs::call(self, name, &[], dot, None)?,
            Arg::Str(s) => V::Str(s.clone()),
            Arg::Int(i) => V::Int(*i),
            Arg::Float(f) => V::Float(*f),
            Arg::Bool(b) => V::Bool(*b),
            Arg::Nil => V::Nil,
            Arg::Sub(p, chain) => {
                let mark = self.vars.len();
                let v = self.pipe(p, dot)?;
                // a declaration inside parentheses stays visible, as in Go
                let _ = mark;
                self.fields(v, chain)?
            }
        })
    }

    fn fields(&mut self, mut v: V, chain: &[String]) -> R<V> {
        for name in chain {
            v = match &v {
                V::Map(m) => m.borrow().get(name).cloned().unwrap_or(V::Nil),
                // a missing key's missing key: Helm fails here ("nil pointer evaluating"); a
                // linter keeps going with nothing
                V::Nil => V::Nil,
                other => {
                    return self.fail(format!(
                        "can't evaluate field {name} in type {}",
                        other.type_name()
                    ));
                }
            };
        }
        Ok(v)
    }
}

/// How an action prints its value: Go's `%v`, with Helm's `<no value>` removed.
pub fn print_value(v: &V) -> String {
    match v {
        V::Nil => String::new(),
        other => other.to_go_string(),
    }
}
