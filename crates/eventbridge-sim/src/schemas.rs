//! Schema discovery into the `discovered-schemas` registry, and code bindings.

use event_pattern::{Json, JsonValue, Span};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::model::Account;

/// The service that manages discovery's rule on a bus (the rule's `ManagedBy`).
pub const DISCOVERY_SERVICE: &str = "schemas.amazonaws.com";

/// Discovery ignores anything nested deeper than this.
pub const MAX_DISCOVERY_DEPTH: usize = 255;

/// One version of a schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaVersion {
    /// `1`, `2`, ...
    pub version: String,
    /// The OpenAPI 3 document.
    pub content: Value,
}

/// A discovered schema and its versions, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schema {
    /// `<source>@<DetailType>`, as discovery names it.
    pub name: String,
    /// The schema's ARN in the `discovered-schemas` registry.
    pub arn: String,
    /// Its versions, oldest first.
    pub versions: Vec<SchemaVersion>,
}

/// The `discovered-schemas` registry.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Registry {
    /// Every schema discovered, in discovery order.
    pub schemas: Vec<Schema>,
}

/// `Order Service` → `Order-Service`; dots kept; `/` and other characters become `-`.
pub fn source_part(source: &str) -> String {
    source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `New Order` → `NewOrder`, `payment_intent.created` → `PaymentIntentCreated`.
pub fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The schema name AWS gives events of this source and detail-type.
pub fn schema_name(source: &str, detail_type: &str) -> String {
    format!("{}@{}", source_part(source), pascal(detail_type))
}

fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && (s.ends_with('Z') || s[19..].contains(['+', '-']))
        && b[..4].iter().all(u8::is_ascii_digit)
}

/// An object's field: its key, the key's span, and its value.
type Field = (String, Span, Json);

/// Discovery's walk over an event. Every object becomes a component of its own, so the walk
/// keeps the objects still to describe in `pending` rather than recursing into them: events nest
/// up to 1000 levels, and a frame per level would need more stack than the browser's WASM has to
/// spare.
struct Inferrer<'a> {
    components: Vec<(String, Value)>,
    /// Objects still to describe (their fields), with their component's name and depth; the
    /// next on top.
    pending: Vec<(Vec<&'a Field>, String, usize)>,
}

impl<'a> Inferrer<'a> {
    /// The schema of a property's value; objects (also those an array holds) are put in
    /// `pending` and referred to.
    fn property(&mut self, v: &'a Json, key: &str, parent: &str, depth: usize) -> Value {
        // Arrays of arrays: each level wraps the schema of its first element that is not null.
        let mut arrays = 0;
        let (mut v, mut depth) = (v, depth);
        let mut schema = loop {
            if depth > MAX_DISCOVERY_DEPTH {
                break json!({});
            }
            match &v.value {
                JsonValue::Null => break json!({}),
                JsonValue::Bool(_) => break json!({"type": "boolean"}),
                JsonValue::String(s) if is_date_time(s) => {
                    break json!({"type": "string", "format": "date-time"})
                }
                JsonValue::String(_) => break json!({"type": "string"}),
                JsonValue::Number(text, _) => {
                    let int = !text.contains(['.', 'e', 'E']);
                    break if int
                        && text
                            .parse::<i64>()
                            .map(|i| i32::try_from(i).is_err())
                            .unwrap_or(true)
                    {
                        json!({"type": "integer", "format": "int64"})
                    } else {
                        json!({"type": "number"})
                    };
                }
                JsonValue::Object(fields) => {
                    break self.refer(fields.iter().collect(), pascal(key), depth + 1);
                }
                JsonValue::Array(items) => {
                    arrays += 1;
                    match items.iter().find(|i| !matches!(i.value, JsonValue::Null)) {
                        None => break json!({"type": "object"}),
                        Some(first) if matches!(first.value, JsonValue::Object(_)) => {
                            // Merge the keys of every object element.
                            let mut merged: Vec<&Field> = Vec::new();
                            for it in items {
                                if let JsonValue::Object(fields) = &it.value {
                                    for f in fields {
                                        if !merged.iter().any(|(k, _, _)| *k == f.0) {
                                            merged.push(f);
                                        }
                                    }
                                }
                            }
                            break self.refer(merged, format!("{parent}Item"), depth + 1);
                        }
                        Some(first) => (v, depth) = (first, depth + 1),
                    }
                }
            }
        };
        for _ in 0..arrays {
            schema = json!({"type": "array", "items": schema});
        }
        schema
    }

    /// An object to describe later, as the component `name`; its reference now.
    fn refer(&mut self, fields: Vec<&'a Field>, name: String, depth: usize) -> Value {
        let reference = json!({"$ref": format!("#/components/schemas/{name}")});
        self.pending.push((fields, name, depth));
        reference
    }

    /// Describes the objects in `pending`, each before those inside it, and those in document
    /// order.
    fn run(&mut self) {
        while let Some((fields, name, depth)) = self.pending.pop() {
            let slot = self.components.len();
            self.components.push((name.to_string(), Value::Null));
            let mut keys = fields.clone();
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            let mut props = Map::new();
            let inside = self.pending.len();
            for (k, _, child) in keys {
                let p = self.property(child, k, &name, depth);
                props.insert(k.clone(), p);
            }
            // The first object inside goes on top.
            self.pending[inside..].reverse();
            let required: Vec<Value> = fields
                .iter()
                .map(|(k, _, _)| Value::String(k.clone()))
                .collect();
            self.components[slot].1 =
                json!({"type": "object", "required": required, "properties": props});
        }
    }
}

/// The OpenAPI 3 document discovery infers from one event.
pub fn infer(event: &Json) -> Option<(String, Value)> {
    let source = event.get("source")?.as_str()?;
    let detail_type = event.get("detail-type")?.as_str()?;
    let title = pascal(detail_type);
    let mut inf = Inferrer {
        components: Vec::new(),
        pending: Vec::new(),
    };
    let detail = event.get("detail")?;
    let resources_items = match event.get("resources").map(|r| &r.value) {
        Some(JsonValue::Array(a)) if !a.is_empty() => json!({"type": "string"}),
        _ => json!({"type": "object"}),
    };
    if let JsonValue::Object(fields) = &detail.value {
        inf.refer(fields.iter().collect(), title.clone(), 1);
    }
    inf.run();
    let mut schemas = Map::new();
    schemas.insert(
        "AWSEvent".into(),
        json!({
            "type": "object",
            "required": ["detail-type", "resources", "detail", "id", "source", "time", "region", "version", "account"],
            "x-amazon-events-detail-type": detail_type,
            "x-amazon-events-source": source,
            "properties": {
                "detail": {"$ref": format!("#/components/schemas/{title}")},
                "account": {"type": "string"},
                "detail-type": {"type": "string"},
                "id": {"type": "string"},
                "region": {"type": "string"},
                "resources": {"type": "array", "items": resources_items},
                "source": {"type": "string"},
                "time": {"type": "string", "format": "date-time"},
                "version": {"type": "string"}
            }
        }),
    );
    for (name, v) in inf.components {
        schemas.entry(name).or_insert(v);
    }
    let doc = json!({
        "openapi": "3.0.0",
        "info": {"version": "1.0.0", "title": title},
        "paths": {},
        "components": {"schemas": schemas}
    });
    Some((schema_name(source, detail_type), doc))
}

/// Merges a newly inferred document into the previous one: new components and properties are
/// added, changed types take the new event's type.
fn merge(old: &Value, new: &Value) -> Value {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let mut out = o.clone();
            for (k, nv) in n {
                let merged = match (o.get(k), k.as_str()) {
                    (Some(ov), "required") => {
                        let mut list: Vec<Value> = ov.as_array().cloned().unwrap_or_default();
                        for r in nv.as_array().into_iter().flatten() {
                            if !list.contains(r) {
                                list.push(r.clone());
                            }
                        }
                        Value::Array(list)
                    }
                    (Some(ov), _) if ov.get("type") == nv.get("type") || !nv.is_object() => {
                        merge(ov, nv)
                    }
                    _ => nv.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, n) => n.clone(),
    }
}

/// What discovering one event did to the registry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Discovered {
    /// A schema of that name did not exist: version 1.
    NewSchema,
    /// The event's shape added to the schema: a new version.
    NewVersion,
    /// The latest version already describes the event.
    Unchanged,
}

impl Registry {
    /// Discovers one event: a new schema, a new version when the shape changed, or nothing.
    /// Returns the schema's name, the version that describes the event and what changed
    /// (`None` when nothing can be inferred from the event).
    pub fn discover(
        &mut self,
        event: &Json,
        account: &Account,
    ) -> Option<(String, String, Discovered)> {
        let (name, doc) = infer(event)?;
        match self.schemas.iter_mut().find(|s| s.name == name) {
            None => {
                self.schemas.push(Schema {
                    arn: format!(
                        "arn:aws:schemas:{}:{}:schema/discovered-schemas/{name}",
                        account.region, account.id
                    ),
                    name: name.clone(),
                    versions: vec![SchemaVersion {
                        version: "1".into(),
                        content: doc,
                    }],
                });
                Some((name, "1".into(), Discovered::NewSchema))
            }
            Some(s) => {
                let latest = s.versions.last()?;
                let merged = merge(&latest.content, &doc);
                if merged == latest.content {
                    return Some((name, latest.version.clone(), Discovered::Unchanged));
                }
                let version = (s.versions.len() + 1).to_string();
                s.versions.push(SchemaVersion {
                    version: version.clone(),
                    content: merged,
                });
                Some((name, version, Discovered::NewVersion))
            }
        }
    }

    /// A schema by name.
    pub fn get(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.name == name)
    }
}

/// `Order-Service@NewOrder` → `schema.order_service.neworder`.
pub fn package_path(schema_name: &str) -> String {
    let s: String = schema_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '@' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("schema.{}", s.replace('@', ".").to_lowercase())
}

/// A generated source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BindingFile {
    /// Its path in the generated package.
    pub path: String,
    /// Its source text.
    pub content: String,
}

fn components(doc: &Value) -> Vec<(String, Value)> {
    doc.pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn snake(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn py_type(p: &Value) -> String {
    if let Some(r) = p.get("$ref").and_then(|r| r.as_str()) {
        return r.rsplit('/').next().unwrap_or("object").to_string();
    }
    match (
        p.get("type").and_then(|t| t.as_str()),
        p.get("format").and_then(|f| f.as_str()),
    ) {
        (Some("string"), Some("date-time")) => "datetime".into(),
        (Some("string"), _) => "str".into(),
        (Some("number"), _) => "float".into(),
        (Some("integer"), _) => "int".into(),
        (Some("boolean"), _) => "bool".into(),
        (Some("array"), _) => format!(
            "list[{}]",
            p.get("items")
                .map(py_type)
                .unwrap_or_else(|| "object".into())
        ),
        _ => "object".into(),
    }
}

fn ts_type(p: &Value) -> String {
    if let Some(r) = p.get("$ref").and_then(|r| r.as_str()) {
        return r.rsplit('/').next().unwrap_or("any").to_string();
    }
    match (
        p.get("type").and_then(|t| t.as_str()),
        p.get("format").and_then(|f| f.as_str()),
    ) {
        (Some("string"), Some("date-time")) => "Date".into(),
        (Some("string"), _) => "string".into(),
        (Some("number"), _) | (Some("integer"), _) => "number".into(),
        (Some("boolean"), _) => "boolean".into(),
        (Some("array"), _) => format!(
            "Array<{}>",
            p.get("items").map(ts_type).unwrap_or_else(|| "any".into())
        ),
        _ => "any".into(),
    }
}

/// Python bindings in the shape of the Schemas code generator (one class per component).
pub fn python_bindings(schema_name: &str, doc: &Value) -> Vec<BindingFile> {
    let dir = package_path(schema_name).replace('.', "/");
    let mut files = Vec::new();
    for (name, comp) in components(doc) {
        let props = comp
            .get("properties")
            .and_then(|p| p.as_object())
            .cloned()
            .unwrap_or_default();
        let mut types = String::new();
        let mut attrs = String::new();
        for (k, p) in &props {
            types.push_str(&format!("        '{}': '{}',\n", snake(k), py_type(p)));
            attrs.push_str(&format!("        '{}': '{}',\n", snake(k), k));
        }
        let content = format!(
            "# coding: utf-8\n# Generated from the discovered schema {schema_name}.\nimport pprint\nimport re  # noqa: F401\n\nimport six\nfrom enum import Enum\n\n\nclass {name}(object):\n\n    _types = {{\n{types}    }}\n\n    _attribute_map = {{\n{attrs}    }}\n\n    def __init__(self, {args}):  # noqa: E501\n{inits}\n    def to_str(self):\n        return pprint.pformat(self.to_dict())\n\n    def __repr__(self):\n        return self.to_str()\n",
            args = props.keys().map(|k| format!("{}=None", snake(k))).collect::<Vec<_>>().join(", "),
            inits = props.keys().map(|k| format!("        self._{0} = None\n        self.{0} = {0}\n", snake(k))).collect::<String>(),
        );
        files.push(BindingFile {
            path: format!("{dir}/{name}.py"),
            content,
        });
    }
    files.push(BindingFile {
        path: format!("{dir}/marshaller.py"),
        content: "# Generated marshaller: unmarshall(data, AWSEvent) reads each mapped key; absent keys stay None.\n".into(),
    });
    files
}

/// TypeScript bindings: one class per component with an `attributeTypeMap`.
pub fn typescript_bindings(schema_name: &str, doc: &Value) -> Vec<BindingFile> {
    let dir = package_path(schema_name).replace('.', "/");
    let mut files = Vec::new();
    for (name, comp) in components(doc) {
        let props = comp
            .get("properties")
            .and_then(|p| p.as_object())
            .cloned()
            .unwrap_or_default();
        let fields: String = props
            .iter()
            .map(|(k, p)| format!("    '{}': {};\n", snake(k), ts_type(p)))
            .collect();
        let map: String = props
            .iter()
            .map(|(k, p)| {
                format!(
                    "        {{ \"name\": \"{}\", \"baseName\": \"{}\", \"type\": \"{}\" }},\n",
                    snake(k),
                    k,
                    ts_type(p)
                )
            })
            .collect();
        let content = format!(
            "// Generated from the discovered schema {schema_name}.\nexport class {name} {{\n{fields}\n    static attributeTypeMap: Array<{{name: string, baseName: string, type: string}}> = [\n{map}    ];\n}}\n"
        );
        files.push(BindingFile {
            path: format!("{dir}/{name}.ts"),
            content,
        });
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws() {
        assert_eq!(
            schema_name("Order Service", "New Order"),
            "Order-Service@NewOrder"
        );
        assert_eq!(
            schema_name("stripe", "payment_intent.created"),
            "stripe@PaymentIntentCreated"
        );
        assert_eq!(
            schema_name("aws.ec2", "EC2 Instance State-change Notification"),
            "aws.ec2@EC2InstanceStateChangeNotification"
        );
        assert_eq!(
            schema_name("aws.partner/buildkite.com/my-org/0f6e", "Build Finished"),
            "aws.partner-buildkite.com-my-org-0f6e@BuildFinished"
        );
        assert_eq!(
            package_path("Order-Service@NewOrder"),
            "schema.order_service.neworder"
        );
    }

    /// Components come in the order of a depth-first walk (an object, then the objects inside
    /// it, by key), and a name met twice keeps its first description;
    /// arrays of arrays wrap their first element's schema; nothing deeper than
    /// `MAX_DISCOVERY_DEPTH` is described.
    #[test]
    fn components_come_depth_first_by_key() {
        let deep: String = (0..MAX_DISCOVERY_DEPTH)
            .map(|i| format!("{{\"k{i}\":"))
            .collect::<String>()
            + "1"
            + &"}".repeat(MAX_DISCOVERY_DEPTH);
        let event = format!(
            r#"{{"source":"s","detail-type":"d","resources":[],"detail":{{
                "b": {{"c": {{"d": 1}}, "a": {{"z": true}}}},
                "a": [null, {{"x": {{"y": 1}}}}, {{"w": "2020-01-01T00:00:00Z"}}],
                "n": [[[1]], [["s"]]],
                "c": {{"again": 1}},
                "deep": {deep}}}}}"#
        );
        let (_, doc) = infer(&Json::parse(&event).unwrap()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(
            &names[..8],
            ["AWSEvent", "D", "DItem", "X", "B", "A", "C", "Deep"]
        );
        assert_eq!(schemas["C"]["required"], json!(["d"]));
        assert_eq!(schemas["DItem"]["required"], json!(["x", "w"]));
        assert_eq!(schemas["DItem"]["properties"]["w"]["format"], "date-time");
        assert_eq!(
            schemas["D"]["properties"]["n"],
            json!({"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}})
        );
        // `deep` is level 2 and each `k` object one more: the value of `k254`, at level 257, is
        // left undescribed.
        assert_eq!(schemas.len(), 8 + 254, "{names:?}");
        assert_eq!(
            schemas["K252"]["properties"]["k253"]["$ref"],
            "#/components/schemas/K253"
        );
        assert_eq!(schemas["K253"]["properties"]["k254"], json!({}));
    }

    #[test]
    fn versions_only_when_the_shape_changes() {
        let mut r = Registry::default();
        let a = Account::workshop();
        let e1 = Json::parse(r#"{"source":"s","detail-type":"d","resources":[],"detail":{"a":1}}"#)
            .unwrap();
        let e2 = Json::parse(r#"{"source":"s","detail-type":"d","resources":[],"detail":{"a":2}}"#)
            .unwrap();
        let e3 = Json::parse(
            r#"{"source":"s","detail-type":"d","resources":[],"detail":{"a":2,"b":"x"}}"#,
        )
        .unwrap();
        let of = |v: &str, c: Discovered| Some(("s@D".to_string(), v.to_string(), c));
        assert_eq!(r.discover(&e1, &a), of("1", Discovered::NewSchema));
        assert_eq!(r.discover(&e2, &a), of("1", Discovered::Unchanged));
        assert_eq!(r.schemas[0].versions.len(), 1);
        assert_eq!(r.discover(&e3, &a), of("2", Discovered::NewVersion));
        assert_eq!(r.schemas[0].versions.len(), 2);
        // The richer version still describes the first shape.
        assert_eq!(r.discover(&e1, &a), of("2", Discovered::Unchanged));
        assert!(r.schemas[0].versions[1]
            .content
            .pointer("/components/schemas/D/properties/b")
            .is_some());
    }
}
