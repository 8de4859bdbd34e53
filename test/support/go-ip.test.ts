import { isCelIp, isIpv4Format, isIpv6Format } from './go-ip';

/** Go's address parsing as Kubernetes' CEL isIP() (library/ip.go and its tests) and the ipv4/ipv6 formats use it. */
describe('Go IP parsing', () => {
  test.each<[string, boolean]>([
    ['127.0.0.1', true],
    ['::1', true],
    ['2001:db8::abcd', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:1.2.3.4', true],
    ['1:2:3:4:5:6:7::', true], // :: may stand for one group
    ['::', true],
    ['127.0.0.256', false],
    [':::1', false],
    ['01.2.3.4', false], // a leading zero
    ['1.2.3', false],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4:5:6:7::8', false], // :: standing for no group
    ['1::2::3', false],
    ['1:2:3:4:5:1.2.3.4', false], // a trailing IPv4 must replace the last two groups
    ['::12345', false],
    ['::ffff:1.2.3.4', false], // IPv4-mapped
    ['::ffff:0102:0304', false], // IPv4-mapped, written in hex
    ['fe80::1%eth0', false], // a zone
    ['shop.example.com', false],
    ['', false],
  ])('isIP(%j) is %s', (s, expected) => {
    expect(isCelIp(s)).toBe(expected);
  });

  test.each<[string, boolean, boolean]>([
    ['10.0.0.1', true, false],
    ['fd00::1', false, true],
    ['::ffff:1.2.3.4', true, true], // net.ParseIP takes it; it has both a dot and a colon
    ['10.0.0.256', false, false],
    ['fe80::1%eth0', false, false], // net.ParseIP refuses zones
  ])('%j: format ipv4 %s, ipv6 %s', (s, v4, v6) => {
    expect([isIpv4Format(s), isIpv6Format(s)]).toEqual([v4, v6]);
  });
});
