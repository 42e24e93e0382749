//! Schema discovery into the `discovered-schemas` registry, and code bindings.

use event_pattern::{Json, JsonValue};
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

struct Inferrer {
    components: Vec<(String, Value)>,
}

impl Inferrer {
    fn property(&mut self, v: &Json, key: &str, parent: &str, depth: usize) -> Value {
        if depth > MAX_DISCOVERY_DEPTH {
            return json!({});
        }
        match &v.value {
            JsonValue::Null => json!({}),
            JsonValue::Bool(_) => json!({"type": "boolean"}),
            JsonValue::String(s) if is_date_time(s) => {
                json!({"type": "string", "format": "date-time"})
            }
            JsonValue::String(_) => json!({"type": "string"}),
            JsonValue::Number(text, _) => {
                let int = !text.contains(['.', 'e', 'E']);
                if int
                    && text
                        .parse::<i64>()
                        .map(|i| i32::try_from(i).is_err())
                        .unwrap_or(true)
                {
                    json!({"type": "integer", "format": "int64"})
                } else {
                    json!({"type": "number"})
                }
            }
            JsonValue::Object(_) => {
                let name = pascal(key);
                self.object(v, &name, depth + 1);
                json!({"$ref": format!("#/components/schemas/{name}")})
            }
            JsonValue::Array(items) => {
                let item = match items.iter().find(|i| !matches!(i.value, JsonValue::Null)) {
                    None => json!({"type": "object"}),
                    Some(first) if matches!(first.value, JsonValue::Object(_)) => {
                        let name = format!("{parent}Item");
                        // Merge the keys of every object element.
                        let mut merged: Vec<(String, event_pattern::Span, Json)> = Vec::new();
                        for it in items {
                            if let JsonValue::Object(fields) = &it.value {
                                for f in fields {
                                    if !merged.iter().any(|(k, _, _)| *k == f.0) {
                                        merged.push(f.clone());
                                    }
                                }
                            }
                        }
                        let obj = Json {
                            value: JsonValue::Object(merged),
                            span: first.span,
                        };
                        self.object(&obj, &name, depth + 1);
                        json!({"$ref": format!("#/components/schemas/{name}")})
                    }
                    Some(first) => self.property(first, key, parent, depth + 1),
                };
                json!({"type": "array", "items": item})
            }
        }
    }

    fn object(&mut self, v: &Json, name: &str, depth: usize) {
        let JsonValue::Object(fields) = &v.value else {
            return;
        };
        let slot = self.components.len();
        self.components.push((name.to_string(), Value::Null));
        let mut keys: Vec<&(String, event_pattern::Span, Json)> = fields.iter().collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let mut props = Map::new();
        for (k, _, child) in keys {
            let p = self.property(child, k, name, depth);
            props.insert(k.clone(), p);
        }
        let required: Vec<Value> = fields
            .iter()
            .map(|(k, _, _)| Value::String(k.clone()))
            .collect();
        self.components[slot].1 =
            json!({"type": "object", "required": required, "properties": props});
    }
}

/// The OpenAPI 3 document discovery infers from one event.
pub fn infer(event: &Json) -> Option<(String, Value)> {
    let source = event.get("source")?.as_str()?;
    let detail_type = event.get("detail-type")?.as_str()?;
    let title = pascal(detail_type);
    let mut inf = Inferrer {
        components: Vec::new(),
    };
    let detail = event.get("detail")?;
    let resources_items = match event.get("resources").map(|r| &r.value) {
        Some(JsonValue::Array(a)) if !a.is_empty() => json!({"type": "string"}),
        _ => json!({"type": "object"}),
    };
    inf.object(detail, &title, 1);
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
