//! The autonomie-scan: questions, answers, aggregation, anonymity, trends and advice.
//!
//! The submodules are public; the types the web layer needs most are also
//! re-exported here so `hrnexus_core::scan::Aspect` and friends work directly.

pub mod advice;
pub mod anonymity;
pub mod aspect;
pub mod keyed;
pub mod priority;
pub mod release;
pub mod response;
pub mod score;
pub mod setup;
pub mod trend;

pub use advice::{Action, Advice, AspectAdvice, ServiceCategory, SignalAdvice, advise};
pub use anonymity::{
    AnonymityPolicy, DepartmentNode, GroupId, GroupVisibility, TreeError, Visibility,
    shuffle_comments,
};
pub use aspect::{Answer, Aspect, Signal};
pub use keyed::{EnumKey, KeyedArray, PerAspect, PerSignal};
pub use priority::{MAX_PRIORITIES, Priority, priorities};
pub use release::{Progress, RoundState};
pub use response::{
    Comment, CommentError, FIELD_COMMENT, FIELD_DEPARTMENT, FieldError, FieldIssue, FormField,
    Response, ResponseErrors,
};
pub use score::{
    AspectCounts, AspectStats, Band, ScanCounts, ScanStats, SignalCounts, SignalStats, aggregate,
    response_rate,
};
pub use trend::{Trend, TrendLabel, compare, compare_page, compare_rounds};
