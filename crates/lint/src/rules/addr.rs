//! IP addresses and CIDRs as the API server's legacy validation reads them
//! (`netutils.ParseIPSloppy` / `ParseCIDRSloppy`: IPv4 octets may have leading zeros and
//! are read as decimal; a CIDR may have host bits set).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IP address, or `None` when it does not parse.
pub(super) fn ip(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse::<u8>().ok()?;
    }
    parts
        .next()
        .is_none()
        .then(|| IpAddr::V4(Ipv4Addr::from(octets)))
}

/// A CIDR as `(network address, prefix length)`, or `None` when it does not parse.
pub(super) fn cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = s.split_once('/')?;
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let len: u8 = len.parse().ok()?;
    let addr = ip(addr)?;
    let bits = match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    (len <= bits).then(|| (network(addr, len), len))
}

fn network(addr: IpAddr, len: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
        }
    }
}

/// Whether `inner` is a strict subset of `outer` (same family, longer prefix, inside it):
/// what `ipBlock.except` entries must be.
pub(super) fn strict_subset(outer: (IpAddr, u8), inner: (IpAddr, u8)) -> bool {
    let same_family = outer.0.is_ipv4() == inner.0.is_ipv4();
    same_family && inner.1 > outer.1 && network(inner.0, outer.1) == outer.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addresses_and_cidrs_like_the_api_server() {
        assert_eq!(
            ip("010.0.0.1"),
            Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
        );
        assert_eq!(ip("10.0.0"), None);
        assert_eq!(ip("10.0.0.256"), None);
        assert_eq!(ip("fd00::1").map(|a| a.is_ipv6()), Some(true));
        assert_eq!(
            cidr("10.1.2.3/8").map(|c| c.0.to_string()),
            Some("10.0.0.0".into())
        );
        assert_eq!(cidr("10.0.0.0/33"), None);
        assert_eq!(cidr("10.0.0.0"), None);
        assert_eq!(cidr("10.0.0.0/"), None);
        assert!(cidr("::/0").is_some());
        let outer = cidr("10.0.0.0/8").unwrap();
        assert!(strict_subset(outer, cidr("10.1.0.0/16").unwrap()));
        assert!(!strict_subset(outer, cidr("10.0.0.0/8").unwrap()));
        assert!(!strict_subset(outer, cidr("192.168.0.0/16").unwrap()));
        assert!(!strict_subset(outer, cidr("fd00::/64").unwrap()));
    }
}

#[cfg(test)]
mod exhaustive {
    /// Every string of up to five characters over the grammar's alphabet: no panic.
    #[test]
    fn short_strings_never_panic() {
        let alphabet = ['1', '0', '.', '/', ':', 'f', '3', '9'];
        let mut level = vec![String::new()];
        let mut parsed = 0;
        for _ in 0..5 {
            level = level
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            for s in &level {
                if let Some(c) = super::cidr(s) {
                    assert!(!super::strict_subset(c, c));
                    parsed += 1;
                }
                let _ = super::ip(s);
            }
        }
        assert!(parsed > 0);
    }
}
