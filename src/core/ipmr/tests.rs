// SPDX-License-Identifier: GPL-2.0
//! Host tests of the MFC mirror: precedence and forwarding decisions.

use super::*;

const S: Ipv4Address = Ipv4Address::new(10, 0, 1, 2);
const G: Ipv4Address = Ipv4Address::new(225, 1, 1, 1);
/// `INADDR_ANY`, the wildcard of (*,G) and (*,*).
const Z: Ipv4Address = Ipv4Address::UNSPECIFIED;

fn a(n: u32) -> Ipv4Address {
    Ipv4Address::from_bits(n)
}

fn table() -> MrTable {
    let mut t = MrTable::new();
    t.vif_add(
        0,
        Vif {
            ifindex: 10,
            flags: 0,
        },
    )
    .unwrap();
    t.vif_add(
        1,
        Vif {
            ifindex: 11,
            flags: 0,
        },
    )
    .unwrap();
    t.vif_add(
        2,
        Vif {
            ifindex: 12,
            flags: 0,
        },
    )
    .unwrap();
    t
}

fn sg(parent: u16, oifs: &[(usize, u8)]) -> MfcEntry {
    let mut e = MfcEntry::new(S, G, parent);
    for (v, th) in oifs {
        e.ttls[*v] = *th;
    }
    e
}

#[test]
fn sg_exact_match_wins() {
    let mut t = table();
    t.entry_add(sg(0, &[(1, 1)])).unwrap();
    let mut stg = MfcEntry::new(Z, G, 0);
    stg.ttls[0] = 1;
    stg.ttls[2] = 1;
    t.entry_add(stg).unwrap();
    assert_eq!(t.lookup(S, G, 10).unwrap().origin, S);
    assert_eq!(
        t.lookup(a(0x0a00_0109), G, 10).unwrap().origin,
        Z,
        "other sources fall to (*,G)"
    );
}

#[test]
fn star_g_needs_the_input_vif_in_its_tree() {
    let mut t = table();
    let mut stg = MfcEntry::new(Z, G, 0);
    stg.ttls[0] = 1;
    stg.ttls[2] = 1;
    t.entry_add(stg).unwrap();
    assert!(t.lookup(S, G, 10).is_some());
    assert!(
        t.lookup(S, G, 11).is_none(),
        "vif 1 is not in the (*,G) tree and there is no (*,*)"
    );
}

#[test]
fn star_star_catches_the_rest() {
    let mut t = table();
    let mut ss = MfcEntry::new(Z, Z, 1);
    ss.ttls[1] = 1;
    t.entry_add(ss).unwrap();
    assert_eq!(t.lookup(S, G, 11).map(|e| e.group), Some(Z));
    assert!(t.lookup(S, G, 99).is_none(), "not a VIF");
}

#[test]
fn forwards_by_ttl_threshold() {
    let t = table();
    let e = sg(0, &[(1, 1), (2, 64)]);
    assert_eq!(
        ip_mr_forward(&t, &e, 10, 2),
        MrForward::Forward {
            oifs: 0b010,
            in_vif: 0
        }
    );
    assert_eq!(
        ip_mr_forward(&t, &e, 10, 65),
        MrForward::Forward {
            oifs: 0b110,
            in_vif: 0
        }
    );
    assert_eq!(
        ip_mr_forward(&t, &e, 10, 1),
        MrForward::Forward { oifs: 0, in_vif: 0 }
    );
}

#[test]
fn wrong_interface_is_not_forwarded() {
    let t = table();
    let e = sg(0, &[(1, 1)]);
    assert_eq!(
        ip_mr_forward(&t, &e, 11, 64),
        MrForward::WrongVif { true_vif: Some(1) }
    );
    assert_eq!(
        ip_mr_forward(&t, &e, 99, 64),
        MrForward::WrongVif { true_vif: None }
    );
}

#[test]
fn deleted_vif_is_not_an_oif_and_deleted_entry_is_gone() {
    let mut t = table();
    t.entry_add(sg(0, &[(1, 1), (2, 1)])).unwrap();
    t.vif_del(2);
    let e = *t.lookup(S, G, 10).unwrap();
    assert_eq!(
        ip_mr_forward(&t, &e, 10, 64),
        MrForward::Forward {
            oifs: 0b010,
            in_vif: 0
        }
    );
    t.entry_del(S, G);
    assert!(t.lookup(S, G, 10).is_none());
    assert!(t.is_empty());
}

#[test]
fn replace_keeps_one_entry() {
    let mut t = table();
    t.entry_add(sg(0, &[(1, 1)])).unwrap();
    t.entry_replace(sg(0, &[(2, 1)])).unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(t.lookup(S, G, 10).unwrap().ttls[2], 1);
}

#[test]
fn bad_vif_and_full_table_are_refused() {
    let mut t = table();
    assert_eq!(t.vif_add(MAXVIFS, Vif::default()), Err(MfcError::BadVif));
    assert_eq!(t.entry_add(MfcEntry::new(S, G, 40)), Err(MfcError::BadVif));
    for i in 0..MFC_CAPACITY as u32 {
        t.entry_add(MfcEntry::new(a(i + 1), G, 0)).unwrap();
    }
    assert_eq!(
        t.entry_add(MfcEntry::new(a(0xffff), G, 0)),
        Err(MfcError::Full)
    );
}

#[test]
fn star_star_forwards_only_upstream() {
    let t = table();
    let mut ss = MfcEntry::new(Z, Z, 0);
    ss.ttls[0] = 1;
    assert_eq!(
        ip_mr_forward(&t, &ss, 11, 64),
        MrForward::WrongVif { true_vif: Some(1) }
    );
    assert_eq!(
        ip_mr_forward(&t, &ss, 10, 64),
        MrForward::Forward { oifs: 0, in_vif: 0 }
    );
}

fn pkt(ifindex: i32, ttl: u8) -> MrPacket {
    MrPacket {
        saddr: S,
        daddr: G,
        in_ifindex: ifindex,
        ttl,
        len: 100,
        forwarded: false,
        router_alert: false,
        igmp: false,
    }
}

#[test]
fn input_forwards_and_counts() {
    let mut t = table();
    t.entry_add(sg(0, &[(1, 1), (2, 1)])).unwrap();
    assert_eq!(
        ip_mr_input(&mut t, &pkt(10, 64)),
        MrInput::Forward { oifs: 0b110 }
    );
    let (_, c) = t.entries().next().unwrap();
    assert_eq!((c.pkt, c.bytes, c.wrong_if), (1, 100, 0));
    let (_, _, v) = t.vifs().next().unwrap();
    assert_eq!((v.pkt_in, v.bytes_in), (1, 100));
}

#[test]
fn input_without_entry_or_on_wrong_vif_goes_native() {
    let mut t = table();
    assert_eq!(ip_mr_input(&mut t, &pkt(10, 64)), MrInput::Native);
    t.entry_add(sg(0, &[(1, 1)])).unwrap();
    assert_eq!(ip_mr_input(&mut t, &pkt(11, 64)), MrInput::Native);
    assert_eq!(t.entries().next().unwrap().1.wrong_if, 1);
}

#[test]
fn input_leaves_igmp_router_alert_and_looped_packets_to_native() {
    let mut t = table();
    t.entry_add(sg(0, &[(1, 1)])).unwrap();
    for p in [
        MrPacket {
            igmp: true,
            ..pkt(10, 64)
        },
        MrPacket {
            router_alert: true,
            ..pkt(10, 64)
        },
        MrPacket {
            forwarded: true,
            ..pkt(10, 64)
        },
    ] {
        assert_eq!(ip_mr_input(&mut t, &p), MrInput::Native);
    }
}

#[test]
fn input_with_a_register_vif_goes_native() {
    let mut t = table();
    t.vif_add(
        3,
        Vif {
            ifindex: 13,
            flags: VIFF_REGISTER,
        },
    )
    .unwrap();
    t.entry_add(sg(0, &[(1, 1), (3, 1)])).unwrap();
    assert_eq!(ip_mr_input(&mut t, &pkt(10, 64)), MrInput::Native);
}

/// Found by the host fuzzer (fuzz/seeds/ipmr/star-star-any-parent.hex):
/// `mr_mfc_find_any_parent(mrt, vifi)` takes the (*,*) entry that forwards
/// to `vifi`, whatever its parent. A packet from a downstream VIF of a
/// (*,*) tree goes up to the upstream (its parent); oxip found no entry.
#[test]
fn star_star_is_found_by_its_oifs_not_its_parent() {
    let mut t = table();
    let mut ss = MfcEntry::new(Z, Z, 2);
    ss.ttls[0] = 1;
    ss.ttls[1] = 1;
    ss.ttls[2] = 1;
    t.entry_add(ss).unwrap();
    let e = *t.lookup(S, G, 10).expect("native finds the (*,*) entry");
    assert_eq!(e, ss);
    assert_eq!(
        ip_mr_forward(&t, &e, 10, 64),
        MrForward::Forward {
            oifs: 1 << 2,
            in_vif: 2
        }
    );
    assert_eq!(
        ip_mr_input(&mut t, &pkt(10, 64)),
        MrInput::Forward { oifs: 1 << 2 }
    );
}

/// Also from the fuzzer: a (*,G) entry accepts a packet from a VIF of the
/// (*,*) static tree when the (*,*) entry forwards to the (*,G)'s parent,
/// whatever the (*,*)'s own parent is (`mr_mfc_find_any()`).
#[test]
fn star_g_is_found_through_any_star_star_proxy() {
    let mut t = table();
    let mut stg = MfcEntry::new(Z, G, 0);
    stg.ttls[0] = 1;
    stg.ttls[2] = 1;
    t.entry_add(stg).unwrap();
    let mut ss = MfcEntry::new(Z, Z, 2);
    ss.ttls[0] = 1;
    ss.ttls[1] = 1;
    ss.ttls[2] = 1;
    t.entry_add(ss).unwrap();
    let e = *t.lookup(S, G, 11).expect("native finds the (*,G) entry");
    assert_eq!(e, stg);
    assert_eq!(
        ip_mr_forward(&t, &e, 11, 64),
        MrForward::Forward {
            oifs: 0b101,
            in_vif: 0
        }
    );
}

/// Found by the host fuzzer (fuzz/seeds/ipmr/device-on-two-vifs.hex):
/// `ipmr_find_vif()` walks from the highest VIF down, so a device on two
/// VIFs arrives on the higher one, which a (*,G) entry then skips.
#[test]
fn device_on_two_vifs_is_the_higher_vif() {
    let mut t = table();
    t.vif_add(
        7,
        Vif {
            ifindex: 10,
            flags: 0,
        },
    )
    .unwrap();
    assert_eq!(t.find_vif(10), Some(7));
    let mut stg = MfcEntry::new(Z, G, 0);
    stg.ttls[0] = 1;
    stg.ttls[1] = 1;
    stg.ttls[7] = 1;
    assert_eq!(
        ip_mr_forward(&t, &stg, 10, 64),
        MrForward::Forward {
            oifs: 0b11,
            in_vif: 0
        }
    );
}

/// (*,G) forwarding from VIF 0 to VIFs 1 and 2, and a packet it matches.
fn star_g_table() -> MrTable {
    let mut t = table();
    let mut stg = MfcEntry::new(Z, G, 0);
    stg.ttls[0] = 1;
    stg.ttls[1] = 1;
    stg.ttls[2] = 1;
    t.entry_add(stg).unwrap();
    t
}

/// Fills the table to `MFC_CAPACITY` with (S,G) entries of other groups.
fn fill(t: &mut MrTable) {
    let mut i = 0u32;
    while t.len() < MFC_CAPACITY {
        t.entry_add(MfcEntry::new(a(0x0a00_0000 + i), a(0xe200_0000 + i), 0))
            .unwrap();
        i += 1;
    }
}

/// A full mirror: the kernel's (S,G), which the mirror could not store,
/// may say something else than the mirrored (*,G) the lookup would find;
/// native decides until that entry is gone.
#[test]
fn full_mirror_hands_everything_to_native_until_the_unmirrored_entry_goes() {
    let mut t = star_g_table();
    fill(&mut t);
    assert!(t.exact());
    assert!(matches!(
        ip_mr_input(&mut t, &pkt(10, 10)),
        MrInput::Forward { .. }
    ));
    // The kernel's (S,G) forwards nowhere; the mirror cannot hold it.
    assert_eq!(t.entry_add(sg(0, &[])), Err(MfcError::Full));
    assert!(!t.exact());
    assert_eq!(
        ip_mr_input(&mut t, &pkt(10, 10)),
        MrInput::Native,
        "not (*,G)'s answer"
    );
    // Replaced while still full: still unmirrored, counted once.
    assert_eq!(t.entry_replace(sg(0, &[(1, 1)])), Err(MfcError::Full));
    t.entry_del(S, G);
    assert!(t.exact(), "the unmirrored entry is gone");
    assert!(matches!(
        ip_mr_input(&mut t, &pkt(10, 10)),
        MrInput::Forward { .. }
    ));
}

#[test]
fn unmirrored_entry_stored_on_replace_makes_the_mirror_exact_again() {
    let mut t = star_g_table();
    fill(&mut t);
    assert_eq!(t.entry_add(sg(0, &[])), Err(MfcError::Full));
    // Room again: the next REPLACE of that entry stores it.
    t.entry_del(a(0x0a00_0000), a(0xe200_0000));
    assert!(!t.exact());
    t.entry_replace(sg(0, &[])).unwrap();
    assert!(t.exact());
    assert_eq!(t.lookup(S, G, 10).map(|e| e.origin), Some(S));
}

/// `ip mrule` rules (or a VRF's l3mdev rule) make native look up another
/// table: the mirror of the default table cannot answer.
#[test]
fn custom_mr_rules_hand_everything_to_native() {
    let mut t = star_g_table();
    t.rule_add(true);
    assert!(t.exact(), "the default rule changes nothing");
    assert!(matches!(
        ip_mr_input(&mut t, &pkt(10, 10)),
        MrInput::Forward { .. }
    ));
    t.rule_add(false);
    assert_eq!(ip_mr_input(&mut t, &pkt(10, 10)), MrInput::Native);
    t.rule_del(false);
    assert!(matches!(
        ip_mr_input(&mut t, &pkt(10, 10)),
        MrInput::Forward { .. }
    ));
    t.rule_add(false);
    t.clear();
    assert!(t.exact(), "a restarted dump starts over");
}

#[test]
fn vif_bits_walk_the_set_bits_both_ways() {
    let m = (1 << 0) | (1 << 5) | (1 << 31);
    assert_eq!(VifBits(m).collect::<Vec<_>>(), [0, 5, 31]);
    assert_eq!(VifBits(m).rev().collect::<Vec<_>>(), [31, 5, 0]);
    assert_eq!(VifBits(0).next(), None);
    assert_eq!(VifBits(u32::MAX).count(), MAXVIFS);
}

/// The walks stop at `maxvif`, which follows adds and deletes as native's
/// `mrt->maxvif` does: a VIF added high, then the top one deleted, is
/// still found and forwarded to, and one past a deleted top is not stale.
#[test]
fn maxvif_follows_vif_adds_and_deletes() {
    let mut t = table();
    assert_eq!(t.maxvif, 3);
    t.vif_add(
        7,
        Vif {
            ifindex: 17,
            flags: 0,
        },
    )
    .unwrap();
    t.vif_add(
        9,
        Vif {
            ifindex: 19,
            flags: 0,
        },
    )
    .unwrap();
    assert_eq!(t.maxvif, 10);
    t.vif_del(9);
    assert_eq!(t.maxvif, 8);
    assert_eq!(t.find_vif(17), Some(7));
    assert_eq!(t.find_vif(19), None);
    let e = sg(0, &[(1, 1), (7, 1), (9, 1)]);
    assert_eq!(
        ip_mr_forward(&t, &e, 10, 64),
        MrForward::Forward {
            oifs: (1 << 1) | (1 << 7),
            in_vif: 0
        }
    );
    t.vif_del(7);
    assert_eq!(t.maxvif, 3);
    t.vif_del(0);
    assert_eq!(t.maxvif, 3);
    t.vif_del(2);
    t.vif_del(1);
    assert_eq!(t.maxvif, 0);
    assert_eq!(t.find_vif(10), None);
    let mut t = table();
    t.clear();
    assert_eq!(t.maxvif, 0);
}

/// The (origin, group) index against a plain list, over 40,000 random adds,
/// replaces and deletes of keys drawn from a small space (so keys repeat
/// and home buckets collide), up to a full table: every key the list holds
/// is found with its entry, every other key is not, and the count agrees.
#[test]
fn index_agrees_with_a_list_under_churn() {
    let mut t = MrTable::new();
    let mut list: Vec<MfcEntry> = Vec::new();
    let mut fulls = 0;
    let mut next = crate::wire::tests::xorshift(0x2545_f491_4f6c_dd1d);
    for step in 0..40_000u32 {
        let r = next();
        // 1,500 keys: more than the capacity, so the table fills.
        let k = (r % 1_500) as u32;
        let (origin, group) = if k % 7 == 0 {
            (Z, a(0xe000_0000 + k))
        } else {
            (a(k), a(0xe100_0000 + k % 97))
        };
        let parent = (r >> 32) as u16 % 4;
        let found = list
            .iter()
            .position(|e| e.origin == origin && e.group == group);
        // A delete one time in four: 3/4 of the 1,500 keys would be held,
        // more than fit.
        if (r >> 40) % 4 == 0 {
            t.entry_del(origin, group);
            if let Some(i) = found {
                list.swap_remove(i);
            }
        } else {
            let e = MfcEntry::new(origin, group, parent);
            // The kernel announces a change of a key it holds as a
            // replace (ipmr_mfc_add), a new key as an add.
            let r = if found.is_some() {
                t.entry_replace(e)
            } else {
                t.entry_add(e)
            };
            match (r, found) {
                (Ok(()), Some(i)) => list[i] = e,
                (Ok(()), None) => list.push(e),
                (Err(MfcError::Full), None) => {
                    assert_eq!(list.len(), MFC_CAPACITY);
                    fulls += 1;
                }
                (r, f) => panic!("step {step}: add gave {r:?} with {f:?} in the list"),
            }
        }
        assert_eq!(t.len(), list.len());
        if step % 97 == 0 {
            for e in &list {
                assert_eq!(t.cache_find(e.origin, e.group), Some(e));
            }
            assert_eq!(t.iter().count(), list.len());
        }
        let probe = a(next() as u32 | 1);
        if !list.iter().any(|e| e.origin == probe && e.group == G) {
            assert_eq!(t.cache_find(probe, G), None);
        }
    }
    assert!(fulls > 100, "the table filled {fulls} times");
}

/// A second entry for an (S,G) the mirror holds (`MRT_ADD_MFC_PROXY` with
/// another parent: native keeps both) makes the mirror inexact, so every
/// packet goes to native, until the last entry of that key is deleted;
/// a replace meanwhile cannot say which entry changed and is not taken.
#[test]
fn second_entry_for_a_key_hands_everything_to_native_until_the_key_is_gone() {
    let mut t = table();
    t.entry_add(sg(0, &[(1, 1)])).unwrap();
    assert!(t.exact());
    assert_eq!(t.entry_add(sg(1, &[(2, 1)])), Err(MfcError::Duplicate));
    assert!(!t.exact());
    assert_eq!(ip_mr_input(&mut t, &pkt(10, 64)), MrInput::Native);
    assert_eq!(t.entry_replace(sg(1, &[(0, 1)])), Err(MfcError::Duplicate));
    assert_eq!(
        t.lookup(S, G, 10).unwrap().ttls[1],
        1,
        "the replace was not taken"
    );
    assert_eq!(t.len(), 1);
    // One of the two goes: which one is not known, so still inexact.
    t.entry_del(S, G);
    assert!(!t.exact());
    assert_eq!(t.len(), 1);
    t.entry_del(S, G);
    assert!(t.exact());
    assert!(t.is_empty());
    // A new entry for the key is a plain one again.
    t.entry_add(sg(0, &[(1, 1)])).unwrap();
    assert!(t.exact());
    assert!(matches!(
        ip_mr_input(&mut t, &pkt(10, 64)),
        MrInput::Forward { .. }
    ));
}
