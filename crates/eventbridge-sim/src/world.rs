//! The simulated account: buses, rules, targets, permissions, and everything that happens when
//! events arrive. Deterministic: ids and times come from a seeded generator and the callers.

use std::collections::BTreeMap;

use apigw_vtl::{AwsService, Integration, IntegrationTrace, Request};
use event_pattern::{explain, EventPattern, Json, Verdict};
use input_transformer::{render, DeliveryContext, InputTransformerSpec, Outcome, TargetSpec};
use serde::Serialize;

use crate::lambda::{self, FunctionKind};
use crate::model::{Account, EventBus, Rule, RuleState, Target, TargetInput};
use crate::putevents::{self, envelope, format_time, parse_request, validate_entry, IdGenerator};
use crate::schemas::Registry;

/// At most this many events are kept per replay (a guard for user-written loops of samples).
pub const MAX_EVENTS: usize = 1000;

/// What one rule made of one event.
#[derive(Debug, Clone, Serialize)]
pub struct RuleVerdict {
    /// The rule's name.
    pub rule: String,
    /// Whether it was enabled.
    pub enabled: bool,
    /// Whether the event matches the pattern (a disabled rule delivers nothing even so).
    pub matched: bool,
    /// The explanation; `None` when the pattern is invalid.
    pub verdict: Option<Verdict>,
    /// The pattern's error (AWS's message), when it is invalid.
    pub error: Option<String>,
    /// What to do about the error, in our words ([`event_pattern::PatternError::hint`]).
    pub hint: Option<String>,
}

/// One event that reached a bus.
#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    /// The bus it reached.
    pub bus: String,
    /// Its `id`.
    pub id: String,
    /// Its `source`.
    pub source: String,
    /// Its `detail-type`.
    pub detail_type: String,
    /// The event exactly as EventBridge serialises it.
    pub event: String,
    /// What each rule of the bus made of it, in rule order.
    pub rules: Vec<RuleVerdict>,
}

/// An event the schema discoverer of its bus received (through the managed rule).
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// The bus.
    pub bus: String,
    /// The managed rule that matched.
    pub rule: String,
    /// The event's `id`.
    pub event_id: String,
    /// The schema that describes it (`Order-Service@NewOrder`).
    pub schema: String,
    /// The version that describes it.
    pub version: String,
    /// What the event changed in the registry.
    pub change: crate::schemas::Discovered,
}

/// A payload delivered to a target.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// The bus.
    pub bus: String,
    /// The rule that matched.
    pub rule: String,
    /// The target's `Id`.
    pub target: String,
    /// The target's ARN.
    pub target_arn: String,
    /// The event's `id`.
    pub event_id: String,
    /// Exactly what the target received.
    pub payload: String,
}

/// A delivery that did not happen, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Dropped {
    /// The bus.
    pub bus: String,
    /// The rule that matched.
    pub rule: String,
    /// The target's `Id`.
    pub target: String,
    /// The event's `id`.
    pub event_id: String,
    /// Why nothing was delivered.
    pub reason: String,
    /// What the transformer produced, when it produced something.
    pub rendered: Option<String>,
}

/// One log event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEvent {
    /// Milliseconds since the epoch.
    pub timestamp: i64,
    /// The message (for EventBridge targets, the event or payload as JSON).
    pub message: String,
}

/// A log group: log streams in creation order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LogGroup {
    /// Each stream's name and events.
    pub streams: Vec<(String, Vec<LogEvent>)>,
}

impl LogGroup {
    /// Adds an event to a stream, creating the stream when new.
    pub fn append(&mut self, stream: &str, event: LogEvent) {
        match self.streams.iter_mut().find(|(s, _)| s == stream) {
            Some((_, events)) => events.push(event),
            None => self.streams.push((stream.to_string(), vec![event])),
        }
    }

    /// Every event of every stream.
    pub fn events(&self) -> impl Iterator<Item = &LogEvent> {
        self.streams.iter().flat_map(|(_, e)| e.iter())
    }
}

/// A PutEvents call's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct PutEventsOutcome {
    /// The HTTP status.
    pub status: u16,
    /// The response body.
    pub body: String,
}

/// Who may call PutEvents on which bus (`events:PutEvents` in the role's policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Grant {
    /// The IAM role.
    pub role: String,
    /// The bus it may put events on.
    pub bus: String,
}

/// A Lambda function of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// What it does when invoked.
    pub kind: FunctionKind,
}

/// The simulated account.
#[derive(Debug, Clone)]
pub struct World {
    /// The account and region.
    pub account: Account,
    /// Its event buses.
    pub buses: Vec<EventBus>,
    /// Its rules, on all buses.
    pub rules: Vec<Rule>,
    /// The buses with schema discovery started.
    pub discovery: Vec<String>,
    /// Who may put events where.
    pub grants: Vec<Grant>,
    /// Its Lambda functions.
    pub functions: Vec<Function>,
    ids: IdGenerator,
    /// Every event that reached a bus, in order.
    pub events: Vec<EventRecord>,
    /// Every payload delivered to a target.
    pub deliveries: Vec<Delivery>,
    /// Every delivery that did not happen.
    pub dropped: Vec<Dropped>,
    /// Every event schema discovery received, and what it made of it.
    pub discoveries: Vec<Discovery>,
    /// CloudWatch Logs groups by name.
    pub log_groups: BTreeMap<String, LogGroup>,
    /// Every request through the API Gateway integration.
    pub api_gateway: Vec<IntegrationTrace>,
    /// The `discovered-schemas` registry.
    pub schemas: Registry,
}

impl World {
    /// An empty account; `seed` fixes the event ids, so replays are reproducible.
    pub fn new(account: Account, seed: u64) -> Self {
        World {
            account,
            buses: Vec::new(),
            rules: Vec::new(),
            discovery: Vec::new(),
            grants: Vec::new(),
            functions: Vec::new(),
            ids: IdGenerator::new(seed),
            events: Vec::new(),
            deliveries: Vec::new(),
            dropped: Vec::new(),
            discoveries: Vec::new(),
            log_groups: BTreeMap::new(),
            api_gateway: Vec::new(),
            schemas: Registry::default(),
        }
    }

    fn bus_name(name_or_arn: Option<&str>) -> String {
        match name_or_arn {
            None | Some("") => "default".into(),
            Some(s) => s
                .rsplit_once(":event-bus/")
                .map(|(_, n)| n.to_string())
                .unwrap_or_else(|| s.to_string()),
        }
    }

    fn allowed(&self, role: Option<&str>, bus: &str) -> bool {
        match role {
            None => true,
            Some(r) => self
                .grants
                .iter()
                .any(|g| g.role == r && (g.bus == bus || g.bus == "*")),
        }
    }

    /// A PutEvents call by `role` (None: an unrestricted caller), at `time` (epoch seconds).
    pub fn put_events(&mut self, role: Option<&str>, body: &str, time: i64) -> PutEventsOutcome {
        let entries = match parse_request(body) {
            Ok(e) => e,
            Err(e) => {
                return PutEventsOutcome {
                    status: 400,
                    body: e.body,
                }
            }
        };
        if let Some(r) = role {
            for e in &entries {
                let bus = Self::bus_name(e.event_bus_name.as_deref());
                if !self.allowed(Some(r), &bus) {
                    let message = format!(
                        "User: arn:aws:sts::{acct}:assumed-role/{r}/{r} is not authorized to perform: events:PutEvents on resource: arn:aws:events:{region}:{acct}:event-bus/{bus} because no identity-based policy allows the events:PutEvents action",
                        acct = self.account.id,
                        region = self.account.region
                    );
                    let body =
                        serde_json::json!({"__type": "AccessDeniedException", "Message": message})
                            .to_string();
                    return PutEventsOutcome { status: 400, body };
                }
            }
        }
        let mut results = Vec::new();
        let mut failed = 0;
        for e in &entries {
            match validate_entry(e) {
                Err(err) => {
                    failed += 1;
                    results.push(
                        serde_json::json!({"ErrorCode": err.code, "ErrorMessage": err.message}),
                    );
                }
                Ok(detail) => {
                    let id = self.ids.uuid();
                    let when = e.time.map(|t| t as i64).unwrap_or(time);
                    let bus = Self::bus_name(e.event_bus_name.as_deref());
                    let event = envelope(
                        &id,
                        e,
                        &self.account.id,
                        &self.account.region,
                        &format_time(when),
                        &detail,
                    );
                    self.deliver_to_bus(&bus, &event, when);
                    results.push(serde_json::json!({"EventId": id}));
                }
            }
        }
        let body = serde_json::json!({"Entries": results, "FailedEntryCount": failed}).to_string();
        PutEventsOutcome { status: 200, body }
    }

    /// An event arriving on a bus (from PutEvents, or a partner source as a whole event).
    /// Events for a bus that does not exist go nowhere.
    pub fn deliver_to_bus(&mut self, bus: &str, event: &str, time: i64) {
        if self.events.len() >= MAX_EVENTS || !self.buses.iter().any(|b| b.name == bus) {
            return;
        }
        let Ok(json) = Json::parse(event) else { return };
        let field = |k: &str| {
            json.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let (id, source, detail_type) = (field("id"), field("source"), field("detail-type"));
        let mut verdicts = Vec::new();
        let rules: Vec<Rule> = self
            .rules
            .iter()
            .filter(|r| r.bus == bus)
            .cloned()
            .collect();
        for rule in &rules {
            let enabled = rule.state == RuleState::Enabled;
            let (verdict, error, hint) = match EventPattern::parse(&rule.pattern) {
                Ok(p) => (Some(explain(&p, &json)), None, None),
                Err(e) => (None, Some(e.message()), e.hint().map(str::to_string)),
            };
            let matched = verdict.as_ref().is_some_and(|v| v.matched());
            if enabled && matched {
                if rule.managed_by.as_deref() == Some(crate::schemas::DISCOVERY_SERVICE)
                    && self.discovery.iter().any(|b| b == bus)
                {
                    if let Some((schema, version, change)) =
                        self.schemas.discover(&json, &self.account)
                    {
                        self.discoveries.push(Discovery {
                            bus: bus.to_string(),
                            rule: rule.name.clone(),
                            event_id: id.clone(),
                            schema,
                            version,
                            change,
                        });
                    }
                }
                for target in &rule.targets {
                    self.deliver_to_target(bus, rule, target, event, &id, time);
                }
            }
            verdicts.push(RuleVerdict {
                rule: rule.name.clone(),
                enabled,
                matched,
                verdict,
                error,
                hint,
            });
        }
        self.events.push(EventRecord {
            bus: bus.to_string(),
            id,
            source,
            detail_type,
            event: event.to_string(),
            rules: verdicts,
        });
    }

    fn deliver_to_target(
        &mut self,
        bus: &str,
        rule: &Rule,
        target: &Target,
        event: &str,
        event_id: &str,
        time: i64,
    ) {
        let spec = target_spec(target);
        let drop = |reason: String, rendered: Option<String>| Dropped {
            bus: bus.to_string(),
            rule: rule.name.clone(),
            target: target.id.clone(),
            event_id: event_id.to_string(),
            reason,
            rendered,
        };
        let input = match spec.validate() {
            Ok(i) => i,
            Err(e) => {
                self.dropped
                    .push(drop(format!("{}: {}", e.code, e.message), None));
                return;
            }
        };
        let ctx = DeliveryContext {
            rule_name: rule.name.clone(),
            rule_arn: rule.arn(&self.account),
            ingestion_time: format_time(time),
        };
        let payload = match render(&input, event, &ctx) {
            Outcome::Delivered { payload, .. } => payload,
            Outcome::Dropped {
                reason, rendered, ..
            } => {
                self.dropped.push(drop(reason, Some(rendered)));
                return;
            }
        };
        if let Some(group) = target
            .arn
            .split_once(":log-group:")
            .map(|(_, g)| g.to_string())
        {
            self.log_groups.entry(group).or_default().append(
                event_id,
                LogEvent {
                    timestamp: time * 1000,
                    message: payload.clone(),
                },
            );
        } else if let Some(name) = target
            .arn
            .split_once(":function:")
            .map(|(_, f)| f.to_string())
        {
            let kind = self
                .functions
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.kind)
                .unwrap_or(FunctionKind::Echo);
            let request_id = self.ids.uuid();
            let lines = lambda::invoke(kind, &payload, &request_id);
            let group = self
                .log_groups
                .entry(format!("/aws/lambda/{name}"))
                .or_default();
            let c = putevents::Civil::of(time);
            let day = format!("{:04}/{:02}/{:02}", c.year, c.month, c.day);
            let stream = format!("{day}/[$LATEST]{}", request_id.replace('-', ""));
            for line in lines {
                group.append(
                    &stream,
                    LogEvent {
                        timestamp: time * 1000,
                        message: line,
                    },
                );
            }
        }
        self.deliveries.push(Delivery {
            bus: bus.to_string(),
            rule: rule.name.clone(),
            target: target.id.clone(),
            target_arn: target.arn.clone(),
            event_id: event_id.to_string(),
            payload,
        });
    }

    /// A webhook through an API Gateway integration to this account's PutEvents.
    pub fn webhook(
        &mut self,
        integration: &Integration,
        request: &Request,
        role: Option<&str>,
        time: i64,
    ) -> IntegrationTrace {
        let mut backend = PutEventsBackend {
            world: self,
            role: role.map(String::from),
            time,
        };
        let trace = apigw_vtl::invoke(integration, request, &mut backend);
        self.api_gateway.push(trace.clone());
        trace
    }
}

/// This account's PutEvents as an AWS service API, called by `role` (None: unrestricted) at
/// `time`, for API Gateway integrations.
pub struct PutEventsBackend<'w> {
    /// The account.
    pub world: &'w mut World,
    /// The caller's role (checked against the grants).
    pub role: Option<String>,
    /// The time of the call, in epoch seconds.
    pub time: i64,
}

impl AwsService for PutEventsBackend<'_> {
    fn call(&mut self, action: &str, headers: &[(String, String)], body: &str) -> (u16, String) {
        let target = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("X-Amz-Target"))
            .map(|(_, v)| v.as_str());
        if action != "PutEvents" || target != Some("AWSEvents.PutEvents") {
            return (
                400,
                r#"{"__type":"com.amazon.coral.service#UnknownOperationException"}"#.into(),
            );
        }
        let out = self.world.put_events(self.role.as_deref(), body, self.time);
        (out.status, out.body)
    }
}

/// The PutTargets form of a target.
pub fn target_spec(t: &Target) -> TargetSpec {
    let mut spec = TargetSpec {
        id: t.id.clone(),
        ..Default::default()
    };
    match &t.input {
        TargetInput::WholeEvent => {}
        TargetInput::Input(s) => spec.input = Some(s.clone()),
        TargetInput::InputPath(p) => spec.input_path = Some(p.clone()),
        TargetInput::InputTransformer {
            paths_map,
            template,
        } => {
            spec.input_transformer = Some(InputTransformerSpec {
                paths_map: paths_map.clone(),
                template: template.clone(),
            })
        }
    }
    spec
}

/// Re-exported for callers that build their own requests.
pub use putevents::SERIALIZATION_EXCEPTION_BODY;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventBus;

    fn world() -> World {
        let mut w = World::new(Account::workshop(), 42);
        w.buses.push(EventBus::custom("orders"));
        let log = Target {
            id: "logs".into(),
            arn: "arn:aws:logs:us-west-2:123456789012:log-group:/aws/events/orders-catchall".into(),
            input: TargetInput::WholeEvent,
        };
        w.rules.push(
            Rule::new(
                "orders",
                "orders-catchall",
                r#"{"source": [{"prefix": ""}]}"#,
            )
            .with_target(log),
        );
        w.grants.push(Grant {
            role: "ordergen-role".into(),
            bus: "orders".into(),
        });
        w
    }

    const REQUEST: &str = r#"{"Entries":[{"Source":"Order Service","DetailType":"New Order","Detail":"{\"order_id\": 1}","EventBusName":"orders"}]}"#;

    #[test]
    fn put_events_routes_to_the_log_group() {
        let mut w = world();
        let out = w.put_events(Some("ordergen-role"), REQUEST, 1_590_305_882);
        assert_eq!(out.status, 200);
        assert!(out.body.contains("\"FailedEntryCount\":0"));
        let group = &w.log_groups["/aws/events/orders-catchall"];
        let message = &group.streams[0].1[0].message;
        assert!(message.starts_with(r#"{"version":"0","id":""#));
        assert!(message.ends_with(r#""time":"2020-05-24T07:38:02Z","region":"us-west-2","resources":[],"detail":{"order_id":1}}"#));
        assert_eq!(group.streams[0].1[0].timestamp, 1_590_305_882_000);
        assert_eq!(w.deliveries.len(), 1);
    }

    #[test]
    fn access_denied_without_the_grant() {
        let mut w = world();
        let out = w.put_events(Some("other-role"), REQUEST, 0);
        assert_eq!(out.status, 400);
        assert!(out.body.contains("is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-west-2:123456789012:event-bus/orders"));
        assert!(w.events.is_empty());
    }

    #[test]
    fn unknown_bus_still_gets_an_event_id() {
        let mut w = world();
        let out = w.put_events(None, &REQUEST.replace("\"orders\"", "\"typo\""), 0);
        assert!(out.body.contains("EventId"));
        assert!(w.events.is_empty());
    }

    #[test]
    fn replays_are_deterministic() {
        let (mut a, mut b) = (world(), world());
        a.put_events(None, REQUEST, 5);
        b.put_events(None, REQUEST, 5);
        assert_eq!(a.events[0].event, b.events[0].event);
    }
}
