//! The editor: a textarea over a coloured backdrop. Callers pass `value`, `on_change`, `marks`
//! (byte spans with a kind) and a `language`; the backdrop can later become CodeMirror without
//! touching callers. All text is rendered as text nodes, never as HTML.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How a span is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    Error,
    Highlight,
    JsonValue,
    InsideString,
    TextTemplate,
}

impl MarkKind {
    fn class(self) -> &'static str {
        match self {
            MarkKind::Error => "mark-error",
            MarkKind::Highlight => "mark-highlight",
            MarkKind::JsonValue => "mark-json-value",
            MarkKind::InsideString => "mark-inside-string",
            MarkKind::TextTemplate => "mark-text",
        }
    }
}

/// Which colouring to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Json,
    Vtl,
    Text,
}

/// A problem to show under the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// What to do about it, shown after the message.
    pub hint: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The visible label, also the textarea's accessible name.
    pub label: AttrValue,
    pub value: AttrValue,
    #[prop_or_default]
    pub on_change: Option<Callback<String>>,
    #[prop_or_default]
    pub marks: Vec<(usize, usize, MarkKind)>,
    #[prop_or(Language::Json)]
    pub language: Language,
    #[prop_or_default]
    pub error: Option<EditorError>,
    #[prop_or(8)]
    pub rows: u32,
}

/// A Velocity reference (`$x`, `$!x`, `${x}`, `$input.json`) or directive (`#set`, `#{end}`,
/// `##`, `#*`) starting at `i`: its end and colour class. A `$` or `#` before anything else
/// (as in `'$.type'`) starts none: it is text.
fn vtl_token(b: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let reference = match b.get(i)? {
        b'$' => true,
        b'#' => false,
        _ => return None,
    };
    let next = *b.get(i + 1)?;
    let starts = next.is_ascii_alphabetic()
        || match reference {
            true => matches!(next, b'{' | b'!' | b'_'),
            false => matches!(next, b'{' | b'#' | b'*'),
        };
    if !starts {
        return None;
    }
    let inside = |c: u8| match reference {
        true => c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'!' | b'{' | b'}'),
        false => c.is_ascii_alphabetic() || matches!(c, b'{' | b'}' | b'#' | b'*'),
    };
    let end = (i + 1..b.len()).find(|&j| !inside(b[j])).unwrap_or(b.len());
    Some((
        end,
        if reference {
            "tok-ref"
        } else {
            "tok-directive"
        },
    ))
}

/// Colour classes for each byte range of the text (syntax), as (start, end, class).
pub fn syntax(text: &str, language: Language) -> Vec<(usize, usize, &'static str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match (language, c) {
            // In a template, quotes are only text: references and directives inside them run
            // (`"$util.escapeJavaScript(...)"`), so they are coloured as such.
            (Language::Vtl, b'"') => {
                let mut from = i;
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' && b[j] != b'\n' {
                    if let Some((end, class)) = vtl_token(b, j) {
                        out.push((from, j, "tok-string"));
                        out.push((j, end, class));
                        from = end;
                        j = end;
                        continue;
                    }
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(b.len());
                if from < end {
                    out.push((from, end, "tok-string"));
                }
                i = end;
            }
            (Language::Json, b'"') => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' && b[j] != b'\n' {
                    if b[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let end = (j + 1).min(b.len());
                let mut k = end;
                while k < b.len() && (b[k] == b' ' || b[k] == b'\t') {
                    k += 1;
                }
                let class = if language == Language::Json && b.get(k) == Some(&b':') {
                    "tok-key"
                } else {
                    "tok-string"
                };
                out.push((i, end, class));
                i = end;
            }
            (Language::Json, b'0'..=b'9' | b'-') => {
                let mut j = i + 1;
                while j < b.len()
                    && (b[j].is_ascii_digit() || matches!(b[j], b'.' | b'e' | b'E' | b'+' | b'-'))
                {
                    j += 1;
                }
                out.push((i, j, "tok-number"));
                i = j;
            }
            (Language::Json, b't' | b'f' | b'n') => {
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| text[i..].starts_with(w));
                match word {
                    Some(w) => {
                        out.push((i, i + w.len(), "tok-literal"));
                        i += w.len();
                    }
                    None => i += 1,
                }
            }
            (Language::Vtl, b'$' | b'#') => match vtl_token(b, i) {
                Some((end, class)) => {
                    out.push((i, end, class));
                    i = end;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    out
}

/// Splits `text` into runs with the classes that apply to each (syntax first, then marks).
pub fn runs(
    text: &str,
    language: Language,
    marks: &[(usize, usize, MarkKind)],
) -> Vec<(String, String)> {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    let syn = syntax(text, language);
    for (s, e, _) in &syn {
        cuts.push(*s);
        cuts.push(*e);
    }
    for (s, e, _) in marks {
        cuts.push((*s).min(text.len()));
        cuts.push((*e).min(text.len()));
    }
    cuts.retain(|c| text.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        if s == e {
            continue;
        }
        let mut classes: Vec<&str> = Vec::new();
        if let Some((_, _, c)) = syn.iter().find(|(a, b, _)| *a <= s && e <= *b) {
            classes.push(c);
        }
        for (a, b, k) in marks {
            if *a <= s && e <= *b || (*a == *b && *a == s) {
                classes.push(k.class());
            }
        }
        out.push((text[s..e].to_string(), classes.join(" ")));
    }
    out
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let backdrop = use_node_ref();
    let oninput = props.on_change.clone().map(|cb| {
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                cb.emit(t.value());
            }
        })
    });
    let onscroll = {
        let backdrop = backdrop.clone();
        Callback::from(move |e: Event| {
            if let (Some(t), Some(b)) = (
                e.target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()),
                backdrop.cast::<web_sys::HtmlElement>(),
            ) {
                b.set_scroll_top(t.scroll_top());
                b.set_scroll_left(t.scroll_left());
            }
        })
    };
    let mut marks = props.marks.clone();
    if let Some(err) = &props.error {
        // Underline the reported position when the caller gave no span.
        if !marks.iter().any(|m| m.2 == MarkKind::Error) {
            let offset = offset_of(&props.value, err.line, err.column);
            let end = props.value[offset..]
                .chars()
                .next()
                .map(|c| offset + c.len_utf8())
                .unwrap_or(offset);
            marks.push((offset, end, MarkKind::Error));
        }
    }
    let text = props.value.to_string();
    let runs = runs(&text, props.language, &marks);
    let readonly = props.on_change.is_none();
    let format = match (&props.on_change, props.language) {
        (Some(cb), Language::Json) => {
            let (cb, text) = (cb.clone(), text.clone());
            let valid = workshop::format::pretty_json(&text).is_some();
            let onclick = Callback::from(move |_| {
                if let Some(p) = workshop::format::pretty_json(&text) {
                    cb.emit(p);
                }
            });
            html! { <button class="format" {onclick} disabled={!valid} title="Tidy this JSON">{ "Format JSON" }</button> }
        }
        _ => Html::default(),
    };
    html! {
        <div class={classes!("editor", props.error.as_ref().map(|_| "has-error"))}>
            <label class="editor-label">
                <span>{ props.label.clone() }</span>
                <div class="editor-body">
                    <pre class="editor-backdrop" ref={backdrop} aria-hidden="true">
                        { for runs.into_iter().map(|(t, c)| html! { <span class={c}>{ t }</span> }) }
                        { "\n" }
                    </pre>
                    <textarea
                        class="editor-input"
                        spellcheck="false"
                        rows={props.rows.to_string()}
                        value={props.value.clone()}
                        readonly={readonly}
                        {oninput}
                        {onscroll}
                    />
                </div>
            </label>
            { format }
            if let Some(err) = &props.error {
                <p class="editor-error" role="alert">
                    <span class="where">{ format!("Line {}, column {}: ", err.line, err.column) }</span>
                    <span class="message">{ err.message.clone() }</span>
                    if let Some(h) = &err.hint {
                        <span class="hint"><strong>{ "Hint: " }</strong>{ h.clone() }</span>
                    }
                </p>
            }
        </div>
    }
}

/// The byte offset of a 1-based line and column.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + col.min(l.len());
        }
        offset += l.len() + 1;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_text_and_carry_classes() {
        let t = r#"{"a": [1, "x"]}"#;
        let r = runs(t, Language::Json, &[(7, 8, MarkKind::Highlight)]);
        let joined: String = r.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(joined, t);
        assert!(r.iter().any(|(s, c)| s == "\"a\"" && c == "tok-key"));
        assert!(r
            .iter()
            .any(|(s, c)| s == "1" && c.contains("tok-number") && c.contains("mark-highlight")));
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
    }

    /// In a template, a reference inside quotes runs, so it is coloured as one; the quoted
    /// text around it stays a string, and the runs still cover the text.
    #[test]
    fn vtl_references_inside_quotes_are_references() {
        let t = r##""Detail": "$util.escapeJavaScript($input.json('$'))", "x": "#if(1)y#end""##;
        let r = runs(t, Language::Vtl, &[]);
        let joined: String = r.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(joined, t);
        let class_of = |piece: &str| r.iter().find(|(s, _)| s == piece).map(|(_, c)| c.clone());
        assert_eq!(
            class_of("$util.escapeJavaScript").as_deref(),
            Some("tok-ref")
        );
        assert_eq!(class_of("$input.json").as_deref(), Some("tok-ref"));
        assert_eq!(class_of("#if").as_deref(), Some("tok-directive"));
        assert_eq!(class_of("\"Detail\"").as_deref(), Some("tok-string"));
        assert_eq!(class_of("('$'))\"").as_deref(), Some("tok-string"));
        // A `$` that starts no reference is text, inside quotes or not.
        let r = runs("$input.path('$.type') $", Language::Vtl, &[]);
        assert!(
            r.iter()
                .all(|(s, c)| !(s.starts_with("$.") && c == "tok-ref")),
            "{r:?}"
        );
        assert!(
            r.iter().any(|(s, c)| s == "$input.path" && c == "tok-ref"),
            "{r:?}"
        );
    }
}
