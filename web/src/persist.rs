//! The one place where the state meets the browser: the URL fragment (share links) and
//! localStorage (autosave).

use workshop::link;
use workshop::state::WorkshopState;

/// The localStorage key of the autosaved state.
pub const STORAGE_KEY: &str = "ebw-state-v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The fragment of the current URL, without `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// The state to start with, and a notice when something could not be read.
/// Order: a share link in the URL, then the autosaved state, then the defaults.
pub fn initial() -> (WorkshopState, Option<String>, Option<String>) {
    let frag = fragment();
    let saved = || -> (WorkshopState, Option<String>) {
        match storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) {
            None => (WorkshopState::default(), None),
            Some(text) => match WorkshopState::from_compact_json(&text) {
                Ok(s) => (s, None),
                Err(e) => (
                    WorkshopState::default(),
                    Some(format!(
                        "The saved workshop could not be read ({}); starting from the defaults.",
                        e.0
                    )),
                ),
            },
        }
    };
    if frag.is_empty() {
        let (s, notice) = saved();
        return (s, notice, None);
    }
    match link::decode(&frag) {
        Ok(s) => (
            s,
            Some("Opened the shared workshop from the link.".into()),
            Some(frag),
        ),
        Err(e) => {
            let (s, _) = saved();
            (
                s,
                Some(format!(
                    "This share link could not be opened: {}. Showing your saved workshop instead.",
                    e.0
                )),
                None,
            )
        }
    }
}

/// Autosaves the state. Once the state differs from the link in the address bar, the link is
/// taken out of the address bar, so that a reload keeps the edits instead of reopening the link.
pub fn save(state: &WorkshopState) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &state.to_compact_json());
    }
    let frag = fragment();
    if !frag.is_empty() && link::encode(state) != frag {
        if let Some(w) = web_sys::window() {
            let path = w.location().pathname().unwrap_or_default();
            if let Ok(h) = w.history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
        }
    }
}

/// Puts the share link in the address bar and on the clipboard; returns the fragment.
pub fn share(state: &WorkshopState) -> String {
    let frag = link::encode(state);
    if let Some(w) = web_sys::window() {
        let loc = w.location();
        let base = format!(
            "{}{}",
            loc.origin().unwrap_or_default(),
            loc.pathname().unwrap_or_default()
        );
        let url = format!("{base}#{frag}");
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
        copy(&url);
    }
    frag
}

/// Copies text to the clipboard (best effort; the page keeps working without permission).
pub fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Asks the user to confirm.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
