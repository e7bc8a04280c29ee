//! Anonymity rules: which groups of a scan may show figures or comments.
//!
//! Apply these in the query layer, before any figure leaves the database
//! code, not only in templates.
//!
//! # Model
//!
//! A scan is a tree. The root is the whole scan; below it are departments,
//! which may contain sub-departments (teams). Each response belongs to at most
//! one department (`DepartmentNode::responses` counts the responses placed
//! *directly* on that department). A group's figures cover its whole subtree,
//! so a department's count is its own responses plus those of all its
//! descendants. Responses without a department count in the scan total only.
//!
//! # Rules (threshold `k` = [`AnonymityPolicy::min_group`])
//!
//! 1. **Small groups**: a group whose subtree has fewer than `k` responses is
//!    hidden. Hidden means nothing at all, not even its count: the page just
//!    says there are not enough responses yet. The scan itself is hidden when
//!    the whole scan has fewer than `k` responses.
//! 2. **Hidden subtrees**: when a group is hidden, all its descendants are
//!    hidden too. (A child can never be larger than its parent, and this
//!    keeps the subtraction argument below simple.)
//! 3. **Subtraction protection**: for every *visible* parent `P` (the scan
//!    root included), define its remainder
//!    `R(P) = responses directly on P + Σ counts of P's hidden children`.
//!    Anyone can compute the figures of exactly those responses as
//!    `figures(P) − Σ figures(visible children)`. So `R(P)` must be `0` or at
//!    least `k`. While `0 < R(P) < k`, the smallest visible child (ties: lowest
//!    id) is hidden too and its count joins `R(P)`. This always ends: with all
//!    children hidden, `R(P)` is `P`'s own count, which is `≥ k` because `P`
//!    is visible. This covers "exactly one hidden sibling", several small
//!    hidden siblings, and a small remainder of unassigned responses on the
//!    parent itself.
//! 4. **Top-down, once**: parents are settled before their children. Hiding
//!    a child only moves responses into its parent's remainder (which only
//!    grows) and never changes any other parent's remainder, so a single pass
//!    from the root down is final and terminates.
//!
//! Because visible groups are closed under "parent of", the only sets of
//! responses that can be isolated by adding and subtracting visible figures
//! are unions of remainders, and each remainder is 0 or at least `k`.
//!
//! # Comments
//!
//! Comments are free text, so a difference of two comment lists reveals the
//! exact comments of the remainder. Comments are therefore decided by running
//! the same rules with `k` = [`AnonymityPolicy::min_comments`], and a group
//! shows comments only when it is visible under both runs. Dropping groups
//! only merges remainders (each 0 or ≥ `min_comments`) into their parent, so
//! the combination keeps the guarantee. Comments are shown in random order
//! ([`shuffle_comments`]), so their order cannot be linked to submission time.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The lowest threshold allowed, whatever the configuration says.
pub const MIN_GROUP_FLOOR: u32 = 3;
/// Default minimum responses before a group shows figures.
pub const DEFAULT_MIN_GROUP: u32 = 5;
/// Default minimum responses before a group shows comments.
pub const DEFAULT_MIN_COMMENTS: u32 = 8;

/// Thresholds for showing figures and comments.
///
/// Invariants (enforced by [`AnonymityPolicy::new`] and deserialisation):
/// `min_group ≥ 3` and `min_comments ≥ min_group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "PolicyConfig")]
pub struct AnonymityPolicy {
    min_group: u32,
    min_comments: u32,
}

/// Raw configuration; both values optional, clamped on conversion.
#[derive(Deserialize)]
struct PolicyConfig {
    #[serde(default = "default_min_group")]
    min_group: u32,
    #[serde(default = "default_min_comments")]
    min_comments: u32,
}

fn default_min_group() -> u32 {
    DEFAULT_MIN_GROUP
}

fn default_min_comments() -> u32 {
    DEFAULT_MIN_COMMENTS
}

impl From<PolicyConfig> for AnonymityPolicy {
    fn from(c: PolicyConfig) -> Self {
        AnonymityPolicy::new(c.min_group, c.min_comments)
    }
}

impl Default for AnonymityPolicy {
    fn default() -> Self {
        Self::new(DEFAULT_MIN_GROUP, DEFAULT_MIN_COMMENTS)
    }
}

impl AnonymityPolicy {
    /// Clamps rather than rejects: a misconfiguration must never weaken
    /// anonymity, and refusing to start over it helps nobody.
    /// `min_group` is raised to at least [`MIN_GROUP_FLOOR`], `min_comments`
    /// to at least `min_group`.
    pub fn new(min_group: u32, min_comments: u32) -> Self {
        let min_group = min_group.max(MIN_GROUP_FLOOR);
        Self {
            min_group,
            min_comments: min_comments.max(min_group),
        }
    }

    /// Minimum responses for a group to show figures.
    pub fn min_group(&self) -> u32 {
        self.min_group
    }

    /// Minimum responses for a group to show comments.
    pub fn min_comments(&self) -> u32 {
        self.min_comments
    }

    /// Decides for the scan and each department whether it may show figures
    /// and comments. `scan_total` is every response of the scan, with or
    /// without department; `departments` may come in any order.
    pub fn evaluate(
        &self,
        scan_total: u32,
        departments: &[DepartmentNode],
    ) -> Result<Visibility, TreeError> {
        let tree = Tree::build(scan_total, departments)?;
        let figures = tree.visible_with(self.min_group);
        let comments = tree.visible_with(self.min_comments);

        let group = |group, count, visible: bool, comments_visible: bool| GroupVisibility {
            group,
            visible,
            comments_visible: visible && comments_visible,
            responses: visible.then_some(count),
        };
        let mut groups = Vec::with_capacity(departments.len() + 1);
        groups.push(group(
            GroupId::Scan,
            scan_total,
            figures.root,
            comments.root,
        ));
        for i in 0..tree.ids.len() {
            groups.push(group(
                GroupId::Department(tree.ids[i]),
                tree.totals[i],
                figures.departments[i],
                comments.departments[i],
            ));
        }
        Ok(Visibility { groups, tree })
    }
}

/// One department as stored: its place in the tree and the number of
/// responses placed directly on it (not counting sub-departments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DepartmentNode {
    /// Department id.
    pub id: i64,
    /// Parent department, `None` for a top-level department.
    pub parent_id: Option<i64>,
    /// Responses with exactly this department.
    pub responses: u32,
}

/// A group that can show results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupId {
    /// The whole scan.
    Scan,
    /// A department and everything below it.
    Department(i64),
}

/// The decision for one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GroupVisibility {
    group: GroupId,
    visible: bool,
    comments_visible: bool,
    responses: Option<u32>,
}

impl GroupVisibility {
    /// Which group.
    pub fn group(&self) -> GroupId {
        self.group
    }

    /// May show figures.
    pub fn visible(&self) -> bool {
        self.visible
    }

    /// May show comments (implies [`GroupVisibility::visible`]).
    pub fn comments_visible(&self) -> bool {
        self.comments_visible
    }

    /// Responses in the group's subtree; `None` when hidden, so a hidden
    /// count cannot be shown by accident.
    pub fn responses(&self) -> Option<u32> {
        self.responses
    }
}

/// Decisions for a whole scan.
#[derive(Debug, Clone)]
pub struct Visibility {
    groups: Vec<GroupVisibility>,
    tree: Tree,
}

impl Visibility {
    /// The scan root first, then departments in input order.
    pub fn groups(&self) -> &[GroupVisibility] {
        &self.groups
    }

    /// The decision for the whole scan.
    pub fn scan(&self) -> &GroupVisibility {
        &self.groups[0]
    }

    /// The decision for a group; `None` for an unknown department.
    pub fn get(&self, group: GroupId) -> Option<&GroupVisibility> {
        match group {
            GroupId::Scan => Some(self.scan()),
            GroupId::Department(id) => self.tree.index.get(&id).map(|&i| &self.groups[i + 1]),
        }
    }

    /// May this group show figures? Unknown groups may not.
    pub fn is_visible(&self, group: GroupId) -> bool {
        self.get(group).is_some_and(|g| g.visible)
    }

    /// May this group show comments? Unknown groups may not.
    pub fn comments_visible(&self, group: GroupId) -> bool {
        self.get(group).is_some_and(|g| g.comments_visible)
    }

    /// Ids of the visible departments, in input order.
    pub fn visible_departments(&self) -> impl Iterator<Item = i64> + '_ {
        self.groups[1..].iter().filter_map(|g| match g.group {
            GroupId::Department(id) if g.visible => Some(id),
            _ => None,
        })
    }

    /// The departments whose responses make up this group's figures: the
    /// department and all its descendants (for `Scan`: every department; the
    /// responses without department belong to the scan as well). Use it to
    /// build the query, e.g. `WHERE department_id IN (…)`.
    pub fn subtree_departments(&self, group: GroupId) -> Vec<i64> {
        let start: Vec<usize> = match group {
            GroupId::Scan => self.tree.root_children.clone(),
            GroupId::Department(id) => self.tree.index.get(&id).copied().into_iter().collect(),
        };
        let mut out = Vec::new();
        let mut stack = start;
        while let Some(i) = stack.pop() {
            out.push(self.tree.ids[i]);
            stack.extend(&self.tree.children[i]);
        }
        out
    }

    /// The comments to show for `group`, shuffled; `None` when the group may
    /// not show comments. See [`shuffle_comments`] for the seed.
    pub fn comments_for<T>(
        &self,
        group: GroupId,
        mut comments: Vec<T>,
        seed: u64,
    ) -> Option<Vec<T>> {
        self.comments_visible(group).then(|| {
            shuffle_comments(&mut comments, seed);
            comments
        })
    }
}

/// Shuffles comments (Fisher–Yates) driven by `seed`, so this crate stays
/// pure and tests are repeatable.
///
/// The seed must come from a secure random source (e.g. `rand::random()` in
/// the app, possibly stored per scan for a stable order). Never derive it
/// from ids or timestamps: with a guessable seed the original storage order,
/// and so the submission order, could be reconstructed.
pub fn shuffle_comments<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    for i in (1..items.len()).rev() {
        // Multiply-shift maps a 64-bit value onto 0..=i; the bias is at most
        // (i + 1) / 2^64, far below anything observable.
        let j = ((u128::from(splitmix64(&mut state)) * (i as u128 + 1)) >> 64) as usize;
        items.swap(i, j);
    }
}

/// SplitMix64: tiny, well-mixed, enough to drive a shuffle from a random seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Why a department list could not be evaluated. These point at corrupt
/// data, so nothing is shown rather than guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum TreeError {
    /// The same department id appears twice.
    DuplicateDepartment {
        /// The repeated id.
        id: i64,
    },
    /// A department names a parent that is not in the list.
    UnknownParent {
        /// The department.
        id: i64,
        /// The missing parent.
        parent_id: i64,
    },
    /// A department is (indirectly) its own parent.
    Cycle {
        /// A department on the cycle.
        id: i64,
    },
    /// Departments hold more responses than the scan total.
    CountMismatch {
        /// The scan total given.
        scan_total: u32,
        /// Sum of the department counts.
        assigned: u64,
    },
}

impl TreeError {
    /// Stable code for logs.
    pub const fn key(&self) -> &'static str {
        match self {
            TreeError::DuplicateDepartment { .. } => "duplicate_department",
            TreeError::UnknownParent { .. } => "unknown_parent",
            TreeError::Cycle { .. } => "cycle",
            TreeError::CountMismatch { .. } => "count_mismatch",
        }
    }
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeError::DuplicateDepartment { id } | TreeError::Cycle { id } => {
                write!(f, "{} (department {id})", self.key())
            }
            TreeError::UnknownParent { id, parent_id } => {
                write!(f, "{} (department {id}, parent {parent_id})", self.key())
            }
            TreeError::CountMismatch {
                scan_total,
                assigned,
            } => write!(
                f,
                "{} (total {scan_total}, assigned {assigned})",
                self.key()
            ),
        }
    }
}

impl std::error::Error for TreeError {}

/// The validated tree, by position in the input.
#[derive(Debug, Clone)]
struct Tree {
    ids: Vec<i64>,
    index: HashMap<i64, usize>,
    children: Vec<Vec<usize>>,
    root_children: Vec<usize>,
    /// Subtree counts per department.
    totals: Vec<u32>,
    scan_total: u32,
    /// Responses without a department.
    unassigned: u32,
}

/// Visibility under one threshold.
struct Decision {
    root: bool,
    departments: Vec<bool>,
}

impl Tree {
    fn build(scan_total: u32, nodes: &[DepartmentNode]) -> Result<Self, TreeError> {
        let mut index = HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            if index.insert(node.id, i).is_some() {
                return Err(TreeError::DuplicateDepartment { id: node.id });
            }
        }

        let mut children = vec![Vec::new(); nodes.len()];
        let mut root_children = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            match node.parent_id {
                None => root_children.push(i),
                Some(parent_id) => match index.get(&parent_id) {
                    Some(&p) => children[p].push(i),
                    None => {
                        return Err(TreeError::UnknownParent {
                            id: node.id,
                            parent_id,
                        });
                    }
                },
            }
        }

        // Walk down from the root; whatever is not reached hangs in a cycle.
        let mut order = Vec::with_capacity(nodes.len());
        let mut stack = root_children.clone();
        while let Some(i) = stack.pop() {
            order.push(i);
            stack.extend(&children[i]);
        }
        if order.len() < nodes.len() {
            let mut reached = vec![false; nodes.len()];
            order.iter().for_each(|&i| reached[i] = true);
            let i = reached.iter().position(|r| !r).unwrap_or_default();
            return Err(TreeError::Cycle { id: nodes[i].id });
        }

        let assigned: u64 = nodes.iter().map(|n| u64::from(n.responses)).sum();
        let unassigned =
            u64::from(scan_total)
                .checked_sub(assigned)
                .ok_or(TreeError::CountMismatch {
                    scan_total,
                    assigned,
                })?;

        // Children come after their parent in `order`, so the reverse visits
        // children first. Sums fit in u32: they are bounded by `scan_total`.
        let mut totals: Vec<u32> = nodes.iter().map(|n| n.responses).collect();
        for &i in order.iter().rev() {
            let below: u32 = children[i].iter().map(|&c| totals[c]).sum();
            totals[i] += below;
        }

        Ok(Self {
            ids: nodes.iter().map(|n| n.id).collect(),
            index,
            children,
            root_children,
            totals,
            scan_total,
            unassigned: unassigned as u32,
        })
    }

    /// Applies rules 1–4 of the module docs with threshold `k`.
    fn visible_with(&self, k: u32) -> Decision {
        let mut departments = vec![false; self.ids.len()];
        let root = self.scan_total >= k;
        if root {
            let mut parents = vec![(self.unassigned, &self.root_children)];
            while let Some((direct, children)) = parents.pop() {
                for c in self.visible_children(direct, children, k) {
                    departments[c] = true;
                    parents.push((self.direct(c), &self.children[c]));
                }
            }
        }
        Decision { root, departments }
    }

    /// Rules 1 and 3 for one visible parent: the children that stay visible.
    fn visible_children(&self, direct: u32, children: &[usize], k: u32) -> Vec<usize> {
        let k = u64::from(k);
        let mut remainder = u64::from(direct);
        let mut candidates = Vec::with_capacity(children.len());
        for &c in children {
            if u64::from(self.totals[c]) < k {
                remainder += u64::from(self.totals[c]);
            } else {
                candidates.push(c);
            }
        }
        // Smallest first; the id makes ties deterministic.
        candidates.sort_unstable_by_key(|&c| (self.totals[c], self.ids[c]));
        let mut hidden = 0;
        while remainder > 0 && remainder < k && hidden < candidates.len() {
            remainder += u64::from(self.totals[candidates[hidden]]);
            hidden += 1;
        }
        candidates.split_off(hidden)
    }

    /// Responses placed directly on department `i`.
    fn direct(&self, i: usize) -> u32 {
        self.totals[i]
            - self.children[i]
                .iter()
                .map(|&c| self.totals[c])
                .sum::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dept(id: i64, parent_id: Option<i64>, responses: u32) -> DepartmentNode {
        DepartmentNode {
            id,
            parent_id,
            responses,
        }
    }

    fn visible_ids(v: &Visibility) -> Vec<i64> {
        let mut ids: Vec<i64> = v.visible_departments().collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn policy_defaults_and_clamping() {
        let p = AnonymityPolicy::default();
        assert_eq!((p.min_group(), p.min_comments()), (5, 8));
        let p = AnonymityPolicy::new(1, 2);
        assert_eq!((p.min_group(), p.min_comments()), (3, 3));
        let p = AnonymityPolicy::new(10, 4);
        assert_eq!((p.min_group(), p.min_comments()), (10, 10));
    }

    #[test]
    fn policy_deserialisation_clamps() {
        use serde::de::value::{Error, MapDeserializer};
        let map = MapDeserializer::<_, Error>::new(
            vec![("min_group", 2u32), ("min_comments", 1u32)].into_iter(),
        );
        let p = AnonymityPolicy::deserialize(map).unwrap();
        assert_eq!((p.min_group(), p.min_comments()), (3, 3));
        let empty = MapDeserializer::<_, Error>::new(Vec::<(&str, u32)>::new().into_iter());
        assert_eq!(
            AnonymityPolicy::deserialize(empty).unwrap(),
            AnonymityPolicy::default()
        );
    }

    #[test]
    fn small_scan_shows_nothing() {
        let v = AnonymityPolicy::default()
            .evaluate(4, &[dept(1, None, 4)])
            .unwrap();
        assert!(!v.scan().visible());
        assert_eq!(v.scan().responses(), None);
        assert!(!v.is_visible(GroupId::Department(1)));
    }

    #[test]
    fn small_department_hidden_remainder_large_enough() {
        // A 12, B 4 (hidden), 4 without department: remainder 8 ≥ 5.
        let v = AnonymityPolicy::default()
            .evaluate(20, &[dept(1, None, 12), dept(2, None, 4)])
            .unwrap();
        assert!(v.scan().visible());
        assert_eq!(v.scan().responses(), Some(20));
        assert_eq!(visible_ids(&v), [1]);
        assert_eq!(v.get(GroupId::Department(2)).unwrap().responses(), None);
    }

    #[test]
    fn one_hidden_sibling_forces_the_smallest_visible_one_hidden() {
        // C (3) hidden alone would be total − A − B; hide A (6, lower id than B).
        let v = AnonymityPolicy::default()
            .evaluate(15, &[dept(1, None, 6), dept(2, None, 6), dept(3, None, 3)])
            .unwrap();
        assert_eq!(visible_ids(&v), [2]);
    }

    #[test]
    fn unassigned_remainder_on_the_root_is_protected() {
        // Two responses without department: total − A − B would reveal them.
        let v = AnonymityPolicy::default()
            .evaluate(12, &[dept(1, None, 5), dept(2, None, 5)])
            .unwrap();
        assert_eq!(visible_ids(&v), [2]);
        // With no unassigned responses both are fine.
        let v = AnonymityPolicy::default()
            .evaluate(10, &[dept(1, None, 5), dept(2, None, 5)])
            .unwrap();
        assert_eq!(visible_ids(&v), [1, 2]);
    }

    #[test]
    fn nested_departments() {
        // D (10) has teams T1 5, T2 5, T3 2; E 10. Root is fine; within D,
        // T3 forces T1 hidden. Responses placed on D itself also count.
        let nodes = [
            dept(10, None, 0),
            dept(11, Some(10), 5),
            dept(12, Some(10), 5),
            dept(13, Some(10), 2),
            dept(20, None, 10),
        ];
        let v = AnonymityPolicy::default().evaluate(22, &nodes).unwrap();
        assert_eq!(visible_ids(&v), [10, 12, 20]);
        assert_eq!(
            v.get(GroupId::Department(10)).unwrap().responses(),
            Some(12)
        );
        let mut sub = v.subtree_departments(GroupId::Department(10));
        sub.sort_unstable();
        assert_eq!(sub, [10, 11, 12, 13]);
        assert_eq!(v.subtree_departments(GroupId::Scan).len(), 5);
    }

    #[test]
    fn hidden_parent_hides_its_children() {
        // P (6 total) is hidden to protect Q (3); its team of 6 can't show.
        let nodes = [
            dept(1, None, 0),
            dept(2, Some(1), 6),
            dept(3, None, 3),
            dept(4, None, 20),
        ];
        let v = AnonymityPolicy::default().evaluate(29, &nodes).unwrap();
        assert_eq!(visible_ids(&v), [4]);
    }

    #[test]
    fn comments_need_the_higher_threshold() {
        let nodes = [dept(1, None, 7), dept(2, None, 9)];
        let v = AnonymityPolicy::default().evaluate(16, &nodes).unwrap();
        assert_eq!(visible_ids(&v), [1, 2]);
        assert!(v.comments_visible(GroupId::Scan));
        // Dept 1 has < 8; and dept 2's comments would reveal dept 1's by
        // subtraction from the scan list, so dept 2 shows none either.
        assert!(!v.comments_visible(GroupId::Department(1)));
        assert!(!v.comments_visible(GroupId::Department(2)));
        assert_eq!(v.comments_for(GroupId::Department(2), vec!["a"], 1), None);
        let shown = v.comments_for(GroupId::Scan, vec!["a", "b"], 1).unwrap();
        assert_eq!(shown.len(), 2);
    }

    #[test]
    fn unknown_group_is_not_visible() {
        let v = AnonymityPolicy::default().evaluate(10, &[]).unwrap();
        assert!(v.scan().visible());
        assert!(!v.is_visible(GroupId::Department(99)));
        assert!(v.subtree_departments(GroupId::Department(99)).is_empty());
    }

    #[test]
    fn corrupt_trees_are_rejected() {
        let p = AnonymityPolicy::default();
        assert_eq!(
            p.evaluate(10, &[dept(1, None, 1), dept(1, None, 1)])
                .unwrap_err(),
            TreeError::DuplicateDepartment { id: 1 }
        );
        assert_eq!(
            p.evaluate(10, &[dept(1, Some(7), 1)]).unwrap_err(),
            TreeError::UnknownParent {
                id: 1,
                parent_id: 7
            }
        );
        assert!(matches!(
            p.evaluate(10, &[dept(1, Some(2), 1), dept(2, Some(1), 1)]),
            Err(TreeError::Cycle { .. })
        ));
        assert_eq!(
            p.evaluate(10, &[dept(1, Some(1), 1)]).unwrap_err(),
            TreeError::Cycle { id: 1 }
        );
        assert_eq!(
            p.evaluate(3, &[dept(1, None, 2), dept(2, None, 2)])
                .unwrap_err(),
            TreeError::CountMismatch {
                scan_total: 3,
                assigned: 4
            }
        );
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let original: Vec<u32> = (0..50).collect();
        let mut a = original.clone();
        let mut b = original.clone();
        let mut c = original.clone();
        shuffle_comments(&mut a, 42);
        shuffle_comments(&mut b, 42);
        shuffle_comments(&mut c, 43);
        assert_eq!(a, b);
        assert_ne!(a, original);
        assert_ne!(a, c);
        a.sort_unstable();
        assert_eq!(a, original);
        shuffle_comments::<u8>(&mut [], 1);
    }

    // ---- property tests -------------------------------------------------

    /// Random forests: node `i`'s parent is an earlier node or the root; the
    /// list is then shuffled so parents may come after their children.
    fn arb_scan() -> impl Strategy<Value = (u32, Vec<DepartmentNode>)> {
        let node = (any::<prop::sample::Index>(), any::<bool>(), 0u32..12);
        (0u32..10, prop::collection::vec(node, 0..14))
            .prop_map(|(unassigned, spec)| {
                let id = |i: usize| 100 + 7 * i as i64;
                let nodes: Vec<_> = spec
                    .iter()
                    .enumerate()
                    .map(|(i, &(p, top, n))| {
                        let parent_id = (i > 0 && !top).then(|| id(p.index(i)));
                        dept(id(i), parent_id, n)
                    })
                    .collect();
                let total = unassigned + nodes.iter().map(|n| n.responses).sum::<u32>();
                (total, nodes)
            })
            .prop_flat_map(|(total, nodes)| (Just(total), Just(nodes).prop_shuffle()))
    }

    /// Independent reference: subtree totals by naive recursion.
    fn subtree_total(nodes: &[DepartmentNode], id: i64) -> u32 {
        let own = nodes.iter().find(|n| n.id == id).unwrap().responses;
        own + nodes
            .iter()
            .filter(|n| n.parent_id == Some(id))
            .map(|n| subtree_total(nodes, n.id))
            .sum::<u32>()
    }

    /// Checks rules for one threshold `k` and one visibility predicate.
    fn check_rules(
        total: u32,
        nodes: &[DepartmentNode],
        k: u32,
        visible: impl Fn(GroupId) -> bool,
    ) -> Result<(), TestCaseError> {
        let root_visible = visible(GroupId::Scan);
        prop_assert_eq!(root_visible, total >= k);
        // (a) every visible group has ≥ k; visibility is closed under "parent".
        for n in nodes {
            if visible(GroupId::Department(n.id)) {
                prop_assert!(subtree_total(nodes, n.id) >= k);
                let parent = n.parent_id.map_or(GroupId::Scan, GroupId::Department);
                prop_assert!(visible(parent));
            }
        }
        // (b) for every visible parent, the remainder is 0 or ≥ k.
        let parents = std::iter::once((
            GroupId::Scan,
            None,
            total - nodes.iter().map(|n| n.responses).sum::<u32>(),
        ))
        .chain(
            nodes
                .iter()
                .map(|n| (GroupId::Department(n.id), Some(n.id), n.responses)),
        );
        for (group, id, direct) in parents {
            if !visible(group) {
                continue;
            }
            let hidden: u32 = nodes
                .iter()
                .filter(|c| c.parent_id == id && !visible(GroupId::Department(c.id)))
                .map(|c| subtree_total(nodes, c.id))
                .sum();
            let remainder = direct + hidden;
            prop_assert!(
                remainder == 0 || remainder >= k,
                "{group:?}: remainder {remainder} < {k}"
            );
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn figures_and_comments_follow_the_rules(
            (total, nodes) in arb_scan(),
            min_group in 0u32..10,
            min_comments in 0u32..14,
        ) {
            let policy = AnonymityPolicy::new(min_group, min_comments);
            let v = policy.evaluate(total, &nodes).unwrap();
            check_rules(total, &nodes, policy.min_group(), |g| v.is_visible(g))?;
            check_rules(total, &nodes, policy.min_comments(), |g| v.comments_visible(g))?;
            for g in v.groups() {
                prop_assert!(!g.comments_visible() || g.visible());
                prop_assert_eq!(g.responses().is_some(), g.visible());
                if let (Some(n), GroupId::Department(id)) = (g.responses(), g.group()) {
                    prop_assert_eq!(n, subtree_total(&nodes, id));
                }
            }
        }

        /// Nothing is hidden needlessly: when a visible parent's remainder is
        /// already fine, every child with ≥ k responses stays visible.
        #[test]
        fn no_needless_hiding((total, nodes) in arb_scan()) {
            let policy = AnonymityPolicy::default();
            let k = policy.min_group();
            let v = policy.evaluate(total, &nodes).unwrap();
            let direct_root = total - nodes.iter().map(|n| n.responses).sum::<u32>();
            let parents = std::iter::once((GroupId::Scan, None, direct_root))
                .chain(nodes.iter().map(|n| (GroupId::Department(n.id), Some(n.id), n.responses)));
            for (group, id, direct) in parents {
                if !v.is_visible(group) {
                    continue;
                }
                let children: Vec<_> = nodes.iter().filter(|c| c.parent_id == id).collect();
                let small: u32 = children.iter().map(|c| subtree_total(&nodes, c.id)).filter(|&t| t < k).sum();
                if direct + small == 0 || direct + small >= k {
                    for c in children {
                        let large = subtree_total(&nodes, c.id) >= k;
                        prop_assert_eq!(v.is_visible(GroupId::Department(c.id)), large);
                    }
                }
            }
        }

        #[test]
        fn policy_clamping(min_group in any::<u32>(), min_comments in any::<u32>()) {
            let p = AnonymityPolicy::new(min_group, min_comments);
            prop_assert!(p.min_group() >= MIN_GROUP_FLOOR);
            prop_assert!(p.min_comments() >= p.min_group());
            if min_group >= MIN_GROUP_FLOOR {
                prop_assert_eq!(p.min_group(), min_group);
            }
            if min_comments >= p.min_group() {
                prop_assert_eq!(p.min_comments(), min_comments);
            }
        }

        #[test]
        fn shuffle_keeps_every_item(items in prop::collection::vec(any::<u16>(), 0..40), seed in any::<u64>()) {
            let mut shuffled = items.clone();
            shuffle_comments(&mut shuffled, seed);
            let mut a = items;
            a.sort_unstable();
            shuffled.sort_unstable();
            prop_assert_eq!(a, shuffled);
        }
    }
}
