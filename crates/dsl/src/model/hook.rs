//! Lifecycle hooks: Jobs that run before or after the rest of the application is
//! deployed, such as database migrations and first-install bootstrapping.
//!
//! A hook is declared once on a [`BatchJob`](crate::BatchJob) and emitted for every
//! deployment tool at the same time:
//!
//! | declared | Helm | Argo CD |
//! |---|---|---|
//! | [`Hook::before_deploy`] | `helm.sh/hook: pre-install,pre-upgrade` | `argocd.argoproj.io/hook: PreSync` |
//! | [`Hook::before_install`] | `helm.sh/hook: pre-install` | `argocd.argoproj.io/hook: PreSync` |
//! | [`Hook::after_deploy`] | `helm.sh/hook: post-install,post-upgrade` | `argocd.argoproj.io/hook: PostSync` |
//! | [`Hook::after_install`] | `helm.sh/hook: post-install` | `argocd.argoproj.io/hook: PostSync` |
//!
//! The weight becomes `helm.sh/hook-weight` and `argocd.argoproj.io/sync-wave`. The
//! delete policy is "before the next hook of the same name is created, and once it
//! succeeded" (`before-hook-creation,hook-succeeded` / `BeforeHookCreation,HookSucceeded`);
//! a failed hook Job stays for inspection until its `ttlSecondsAfterFinished` expires.
//!
//! The ServiceAccount, RBAC, NetworkPolicy and config files of a hook component are
//! emitted as hooks of the same phase with a lower weight, so that under Helm and Argo
//! CD they exist before the Job's pod is created (a pre-install hook runs before any
//! ordinary object of the release exists).
//!
//! Plain `kubectl` and Flux read no annotations: for them an environment with hooks is
//! written as phase directories (before-deploy, deploy, after-deploy) with the kubectl
//! sequence and chained Flux Kustomizations (see [`crate::output::phases`]). Hook Job
//! names end with a hash of the Job's spec, because a Job's pod template is immutable: a
//! new image or command yields a new Job instead of a failed apply. Hooks must be
//! idempotent (Argo CD has no "install only" phase, and `kubectl apply` re-creates a hook
//! Job whose TTL expired).

/// When a hook runs relative to the rest of the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HookPhase {
    /// Before the application's objects are created or updated (e.g. schema migrations).
    BeforeDeploy,
    /// After the application's objects are created or updated and ready (e.g. bootstrap).
    AfterDeploy,
}

/// Which deployments a hook runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HookRuns {
    /// On the first install and on every upgrade.
    EveryDeploy,
    /// Only on the first install (Helm). Argo CD has no such phase and runs it on every
    /// sync, so the Job must be idempotent.
    FirstInstall,
}

/// A lifecycle hook on a Job.
///
/// ```
/// use dsl::{Hook, HookPhase};
/// let migrate = Hook::before_deploy();
/// assert_eq!(migrate.phase, HookPhase::BeforeDeploy);
/// let bootstrap = Hook::after_install().weight(5);
/// assert_eq!(bootstrap.helm_events(), "post-install");
/// assert_eq!(bootstrap.argo_phase(), "PostSync");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hook {
    /// Before or after the deployment.
    pub phase: HookPhase,
    /// Every deployment or the first install only.
    pub runs: HookRuns,
    /// Order among hooks of the same phase (lower first).
    pub weight: i8,
}

impl Hook {
    /// Runs before every install and upgrade.
    pub const fn before_deploy() -> Self {
        Hook {
            phase: HookPhase::BeforeDeploy,
            runs: HookRuns::EveryDeploy,
            weight: 0,
        }
    }

    /// Runs before the first install only (Helm); before every sync under Argo CD.
    pub const fn before_install() -> Self {
        Hook {
            phase: HookPhase::BeforeDeploy,
            runs: HookRuns::FirstInstall,
            weight: 0,
        }
    }

    /// Runs after every install and upgrade.
    pub const fn after_deploy() -> Self {
        Hook {
            phase: HookPhase::AfterDeploy,
            runs: HookRuns::EveryDeploy,
            weight: 0,
        }
    }

    /// Runs after the first install only (Helm); after every sync under Argo CD.
    pub const fn after_install() -> Self {
        Hook {
            phase: HookPhase::AfterDeploy,
            runs: HookRuns::FirstInstall,
            weight: 0,
        }
    }

    /// Sets the order among hooks of the same phase (lower runs first).
    pub const fn weight(mut self, weight: i8) -> Self {
        self.weight = weight;
        self
    }

    /// The `helm.sh/hook` value.
    pub const fn helm_events(self) -> &'static str {
        match (self.phase, self.runs) {
            (HookPhase::BeforeDeploy, HookRuns::EveryDeploy) => "pre-install,pre-upgrade",
            (HookPhase::BeforeDeploy, HookRuns::FirstInstall) => "pre-install",
            (HookPhase::AfterDeploy, HookRuns::EveryDeploy) => "post-install,post-upgrade",
            (HookPhase::AfterDeploy, HookRuns::FirstInstall) => "post-install",
        }
    }

    /// The `argocd.argoproj.io/hook` value.
    pub const fn argo_phase(self) -> &'static str {
        match self.phase {
            HookPhase::BeforeDeploy => "PreSync",
            HookPhase::AfterDeploy => "PostSync",
        }
    }
}
