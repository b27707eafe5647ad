// Risk covered: a signature we compute differently from the contract locks every integrator out.
import { canonicalString, computeSign, isWithinWindow, signBody, verifySign } from '../../src/domain/signing';

describe('signing (PROTOCOL §3)', () => {
  test('test vector 1: scalar fields, null dropped, numbers as ECMAScript renders them', () => {
    const body = JSON.parse(
      '{"agentID":"agent01","userID":"player01","amount":1.5,"transactionID":"4146ed8dd6d5497780e9fc273e86bae0","refTransactionID":"b1","roundID":"307e9124a5314f2795ce583391e1c61c","gameID":1566,"freeSpinID":null,"currency":"EUR","timestamp":1763700000}',
    );
    expect(canonicalString(body)).toBe(
      'agentID=agent01&amount=1.5&currency=EUR&gameID=1566&refTransactionID=b1&roundID=307e9124a5314f2795ce583391e1c61c&timestamp=1763700000&transactionID=4146ed8dd6d5497780e9fc273e86bae0&userID=player01',
    );
    expect(computeSign('s3cr3t-key', body)).toBe('AEDFA926112F5643C3947F6C49505D34E71A91BE1BA68304A802681D49273BA0');
  });

  test('test vector 2: arrays as compact JSON', () => {
    const body = JSON.parse(
      '{"agentID":"agent01","userIDs":["player01","player02"],"gameIDs":[1566],"timestamp":1763700000,"spins":10}',
    );
    expect(canonicalString(body)).toBe(
      'agentID=agent01&gameIDs=[1566]&spins=10&timestamp=1763700000&userIDs=["player01","player02"]',
    );
    expect(computeSign('s3cr3t-key', body)).toBe('95BC415FEB9379F04544CA3C7FBA37CDFD3D5D678E0C56381ADD44E074B1A90A');
  });

  test('1.50 on the wire signs as 1.5, and the sign field itself is excluded', () => {
    const body = JSON.parse('{"amount":1.50,"sign":"x","flag":true}');
    expect(canonicalString(body)).toBe('amount=1.5&flag=true');
  });

  test('keys sort by byte order, not locale', () => {
    expect(canonicalString({ b: 1, B: 2, a: 3, _: 4 })).toBe('B=2&_=4&a=3&b=1');
  });

  test('verifySign accepts our own signature and refuses any change', () => {
    const signed = signBody('k', { agentID: 'a', amount: 2 }, 1763700000);
    expect(verifySign('k', signed)).toBe(true);
    expect(verifySign('k', { ...signed, amount: 3 })).toBe(false);
    expect(verifySign('other', signed)).toBe(false);
    expect(verifySign('k', { ...signed, sign: undefined })).toBe(false);
    expect(verifySign('k', { ...signed, sign: 'short' })).toBe(false);
  });

  test('timestamp window is inclusive at the edge', () => {
    expect(isWithinWindow(1000, 1030_000, 30)).toBe(true);
    expect(isWithinWindow(1000, 1031_000, 30)).toBe(false);
    expect(isWithinWindow(1031, 1000_000, 30)).toBe(false);
  });
});
