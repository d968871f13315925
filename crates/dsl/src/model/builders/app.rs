//! Builder of [`App`].

use std::collections::BTreeMap;
use std::panic::Location;

use crate::model::app::App;
use crate::model::builder_macro::typestate_builder;
use crate::model::component::Component;
use crate::model::container::SidecarMode;
use crate::model::customize::ExtraObject;
use crate::model::dependency::Dependency;
use crate::model::dns::Dns;
use crate::model::handles::IntoComponents;
use crate::model::host_access::Reason;
use crate::model::ingress::Ingress;
use crate::model::monitoring::Monitoring;
use crate::primitives::secret::ExternalSecret;
use crate::primitives::text::{DataKey, LabelKey, LabelValue, Name};
use lint::Waiver;

typestate_builder! {
    /// Declares an [`App`]: `.name(..)`, `.environment(..)`, `.namespace(..)` and
    /// `.components(..)` are required. [`App::builder`] records the caller's file and line.
    pub struct AppBuilder for App {
        builder: #[track_caller] fn builder;
        note: "an app needs `.name(..)`, `.environment(..)`, `.namespace(..)` and `.components(..)` (`vec![]` states that it has none)";
        required {
            /// Application name (`app.kubernetes.io/name`).
            name [N: AppName]: Name = |name: Name| name,
                message "this app has no name: add `.name(name!(\"shop\"))` before `.build()`",
                label "`.name(..)` is missing";
            /// Environment this declaration is for (`production`, ...).
            environment [E: AppEnvironment]: Name = |environment: Name| environment,
                message "this app has no environment: add `.environment(name!(\"production\"))` before `.build()`",
                label "`.environment(..)` is missing";
            /// Namespace every object goes into.
            namespace [Ns: AppNamespace]: Name = |namespace: Name| namespace,
                message "this app has no namespace: add `.namespace(name!(\"shop\"))` before `.build()`",
                label "`.namespace(..)` is missing";
            /// The workloads: `vec![..]` of one type, or a tuple `(api, worker)` when an
            /// [`HttpComponent`](crate::HttpComponent) is among them.
            components [C: AppComponents]: Vec<Component> = |components: impl IntoComponents| components.into_components(),
                message "this app has no components: add `.components((api, worker))` (or `.components(vec![])` for none) before `.build()`",
                label "`.components(..)` is missing";
        }
        tracked {}
        fixed {
            declared_at: &'static Location<'static> = Location::caller();
        }
        optional {
            /// Instance name (`app.kubernetes.io/instance`) and object-name base, when it
            /// differs from the app name.
            instance: Option<Name> = None, |instance: Name| Some(instance);
            /// Also emit the Namespace, labelled to enforce the restricted Pod Security Standard.
            create_namespace: bool = false, |yes: bool| yes;
            /// Services the components talk to.
            dependencies: Vec<Dependency> = Vec::new(), |dependencies: Vec<Dependency>| dependencies;
            /// Non-secret configuration, rendered as the ConfigMap `<app>-config`.
            config: BTreeMap<DataKey, String> = BTreeMap::new(), |config: BTreeMap<DataKey, String>| config;
            /// Secrets created outside kairn that components reference.
            secrets: Vec<ExternalSecret> = Vec::new(), |secrets: Vec<ExternalSecret>| secrets;
            /// `docker-registry` Secrets for pulling private images.
            image_pull_secrets: Vec<Name> = Vec::new(), |secrets: Vec<Name>| secrets;
            /// HTTP ingress.
            ingress: Option<Ingress> = None, |ingress: Ingress| Some(ingress);
            /// Prometheus monitoring.
            monitoring: Option<Monitoring> = None, |monitoring: Monitoring| Some(monitoring);
            /// Extra labels on every object.
            labels: BTreeMap<LabelKey, LabelValue> = BTreeMap::new(), |labels: BTreeMap<LabelKey, LabelValue>| labels;
            /// Prefix of every object name and of the instance label, per environment.
            name_prefix: Option<Name> = None, |prefix: Name| Some(prefix);
            /// Validation findings accepted on purpose, each on one object with a written reason.
            waivers: Vec<Waiver> = Vec::new(), |waivers: Vec<Waiver>| waivers;
            /// Further typed objects emitted with the app (validated and written like the rest).
            extra_objects: Vec<ExtraObject> = Vec::new(), |objects: Vec<ExtraObject>| objects;
            /// How sidecars are rendered: natively (default, Kubernetes 1.29 or later) or as
            /// regular containers for older clusters.
            sidecar_mode: SidecarMode = SidecarMode::default(), |mode: SidecarMode| mode;
            /// The cluster DNS the NetworkPolicies allow: kube-dns (default), or also a
            /// NodeLocal DNSCache address.
            dns: Dns = Dns::default(), |dns: Dns| dns;
            /// Accepts, with a reason, that a node agent's host access lowers the enforced
            /// Pod Security level of the namespace for every other pod of this app too
            /// (written into the Namespace's `kairn.dev/pod-security-exception`). Without
            /// it, that is an error at emit (`node-agent-shares-namespace`): put the agent
            /// in an app of its own with its own namespace instead.
            shared_namespace_with_node_agents: Option<Reason> = None,
                |reason: Reason| Some(reason);
        }
    }
}
