//! Collaboration (TTA `TherapeuticCollaborativeSystem`; setup < 600 ms, TTA therapeutic systems benchmarks).
//!
//! Groups have a mode with a participant limit (peer support 6, group therapy 8, mentorship 2,
//! family 4, couples 2, skill practice 4). The facilitator counts as a participant. A group
//! never exceeds its limit: creating an over-full group or joining a full one is an error.
//! Shared goals are the goals held by at least half of the participants.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::CoreError;
use super::character::Goal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupMode {
    PeerSupport,
    GroupTherapy,
    Mentorship,
    Family,
    Couples,
    SkillPractice,
}

impl GroupMode {
    pub const ALL: [Self; 6] = [
        Self::PeerSupport,
        Self::GroupTherapy,
        Self::Mentorship,
        Self::Family,
        Self::Couples,
        Self::SkillPractice,
    ];

    pub fn max_participants(self) -> usize {
        match self {
            Self::PeerSupport => 6,
            Self::GroupTherapy => 8,
            Self::Mentorship | Self::Couples => 2,
            Self::Family | Self::SkillPractice => 4,
        }
    }
}

/// A participant and the goals they bring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub user: String,
    #[serde(default)]
    pub goals: Vec<Goal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: u64,
    pub mode: GroupMode,
    pub facilitator: String,
    pub participants: Vec<String>,
    pub shared_goals: Vec<Goal>,
}

#[derive(Debug, Default)]
pub struct CollaborationSystem {
    groups: BTreeMap<u64, Group>,
    goals: BTreeMap<String, Vec<Goal>>,
    next_id: u64,
}

impl CollaborationSystem {
    /// Sets up a group; the first participant facilitates.
    pub fn create_group(
        &mut self,
        mode: GroupMode,
        participants: &[Participant],
    ) -> Result<&Group, CoreError> {
        let first = participants.first().ok_or_else(|| {
            CoreError::InvalidInput("a group needs at least one participant".into())
        })?;
        let mut users: Vec<String> = Vec::with_capacity(participants.len());
        for p in participants {
            if users.contains(&p.user) {
                return Err(CoreError::InvalidInput(format!(
                    "{} is listed twice",
                    p.user
                )));
            }
            users.push(p.user.clone());
        }
        if users.len() > mode.max_participants() {
            return Err(CoreError::GroupFull {
                mode: format!("{mode:?}"),
                max: mode.max_participants(),
            });
        }
        for p in participants {
            self.goals.insert(p.user.clone(), p.goals.clone());
        }
        self.next_id += 1;
        let id = self.next_id;
        let group = Group {
            id,
            mode,
            facilitator: first.user.clone(),
            shared_goals: self.shared_goals(&users),
            participants: users,
        };
        Ok(self.groups.entry(id).or_insert(group))
    }

    /// Adds a participant, refusing when the group is full or they are already in it.
    pub fn join(&mut self, id: u64, participant: Participant) -> Result<&Group, CoreError> {
        let group = self.groups.get(&id).ok_or(CoreError::UnknownGroup(id))?;
        if group.participants.contains(&participant.user) {
            return Err(CoreError::InvalidInput(format!(
                "{} is already in group {id}",
                participant.user
            )));
        }
        if group.participants.len() >= group.mode.max_participants() {
            return Err(CoreError::GroupFull {
                mode: format!("{:?}", group.mode),
                max: group.mode.max_participants(),
            });
        }
        self.goals
            .insert(participant.user.clone(), participant.goals);
        let mut users = group.participants.clone();
        users.push(participant.user);
        let shared = self.shared_goals(&users);
        let group = self
            .groups
            .get_mut(&id)
            .ok_or(CoreError::UnknownGroup(id))?;
        group.participants = users;
        group.shared_goals = shared;
        Ok(group)
    }

    /// Removes a participant; the next one facilitates if the facilitator leaves; an empty group
    /// is dissolved (returns `None`).
    pub fn leave(&mut self, id: u64, user: &str) -> Result<Option<&Group>, CoreError> {
        let group = self
            .groups
            .get_mut(&id)
            .ok_or(CoreError::UnknownGroup(id))?;
        let before = group.participants.len();
        group.participants.retain(|u| u != user);
        if group.participants.len() == before {
            return Err(CoreError::InvalidInput(format!(
                "{user} is not in group {id}"
            )));
        }
        if group.participants.is_empty() {
            self.groups.remove(&id);
            return Ok(None);
        }
        if group.facilitator == user {
            group.facilitator = group.participants[0].clone();
        }
        let users = group.participants.clone();
        let shared = self.shared_goals(&users);
        let group = self
            .groups
            .get_mut(&id)
            .ok_or(CoreError::UnknownGroup(id))?;
        group.shared_goals = shared;
        Ok(Some(group))
    }

    fn shared_goals(&self, users: &[String]) -> Vec<Goal> {
        let mut counts: BTreeMap<Goal, usize> = BTreeMap::new();
        for u in users {
            let mut goals = self.goals.get(u).cloned().unwrap_or_default();
            goals.sort();
            goals.dedup();
            for g in goals {
                *counts.entry(g).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|(_, n)| n * 2 >= users.len())
            .map(|(g, _)| g)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(user: &str, goals: &[Goal]) -> Participant {
        Participant {
            user: user.into(),
            goals: goals.to_vec(),
        }
    }

    #[test]
    fn limits_per_mode() {
        let limits: Vec<_> = GroupMode::ALL
            .iter()
            .map(|m| m.max_participants())
            .collect();
        assert_eq!(limits, [6, 8, 2, 4, 2, 4]);
    }

    #[test]
    fn setup_join_leave() {
        let mut c = CollaborationSystem::default();
        let g = c
            .create_group(
                GroupMode::Mentorship,
                &[
                    p("m", &[Goal::SelfEsteem]),
                    p("a", &[Goal::SelfEsteem, Goal::SocialSkills]),
                ],
            )
            .unwrap();
        let id = g.id;
        assert_eq!(g.facilitator, "m");
        assert_eq!(
            g.shared_goals,
            [Goal::SocialSkills, Goal::SelfEsteem],
            "enum order"
        );
        assert!(matches!(
            c.join(id, p("x", &[])),
            Err(CoreError::GroupFull { max: 2, .. })
        ));
        let g = c.leave(id, "m").unwrap().unwrap();
        assert_eq!(g.facilitator, "a");
        assert!(c.leave(id, "a").unwrap().is_none());
        assert_eq!(
            c.join(id, p("x", &[])).unwrap_err(),
            CoreError::UnknownGroup(id)
        );
    }

    #[test]
    fn overfull_duplicate_or_empty_groups_are_refused() {
        let mut c = CollaborationSystem::default();
        let three: Vec<_> = ["a", "b", "c"].iter().map(|u| p(u, &[])).collect();
        assert!(matches!(
            c.create_group(GroupMode::Couples, &three),
            Err(CoreError::GroupFull { .. })
        ));
        assert!(
            c.create_group(GroupMode::Family, &[p("a", &[]), p("a", &[])])
                .is_err()
        );
        assert!(c.create_group(GroupMode::Family, &[]).is_err());
    }

    proptest! {
        #[test]
        fn participant_limits_are_never_exceeded(
            mode in 0usize..6,
            initial in 1usize..10,
            joins in prop::collection::vec(0usize..20, 0..30),
        ) {
            let mode = GroupMode::ALL[mode];
            let mut c = CollaborationSystem::default();
            let people: Vec<_> = (0..initial).map(|i| p(&format!("u{i}"), &[])).collect();
            let Ok(group) = c.create_group(mode, &people) else {
                prop_assert!(initial > mode.max_participants());
                return Ok(());
            };
            let id = group.id;
            for j in joins {
                if let Ok(g) = c.join(id, p(&format!("j{j}"), &[])) {
                    prop_assert!(g.participants.len() <= mode.max_participants());
                }
            }
        }
    }
}
