/**
 * The provider API's use cases in either wallet mode (PROTOCOL §5, §6): the session says which mode
 * the operator was in when the call arrived, and this is the one place that picks our ledger (transfer)
 * or the operator's wallet (seamless). Each mode's use case re-reads the mode under its lock, so a
 * switch racing the call is refused there (code 12), whatever was picked here.
 */
import { Minor } from '../../domain/money';
import { ResultCode, refuse } from '../../domain/resultCodes';
import { readSeamlessBalance } from '../seamless/readSeamlessBalance';
import { placeSeamlessBet } from '../seamless/placeSeamlessBet';
import { recordSeamlessCredit } from '../seamless/recordSeamlessCredit';
import { SeamlessDeps } from '../seamless/seamlessDeps';
import { MoneyAnswer } from '../wallet/answers';
import { JackpotInput, decideJackpot, jackpotCommand, payJackpot } from './payJackpot';
import { BetInput, placeBet } from './placeBet';
import { ProviderLedgerStore } from './providerLedgerStore';
import { PlayerSession } from './providerSession';
import { RollbackInput, decideRollback, rollbackBet, rollbackCommand } from './rollbackBet';
import { WinInput, decideWin, settleWin, winCommand } from './settleWin';

export interface ProviderCallDeps {
  /** Our ledger: transfer mode. */
  readonly ledger: ProviderLedgerStore;
  /** The operator's wallet behind callbacks: seamless mode. */
  readonly seamless: SeamlessDeps;
}

/** Our wallet in transfer mode; the operator's (a Balance callback) in seamless mode. */
export async function readPlayerBalance(deps: ProviderCallDeps, session: PlayerSession): Promise<MoneyAnswer> {
  if (session.operatorMode === 'seamless') return readSeamlessBalance(deps.seamless, session);
  const balance = await deps.ledger.walletBalance(session.operatorId, session.userId, session.currency);
  if (balance === null)
    return refuse(ResultCode.PLAYER_NOT_FOUND, `player ${session.userId} has no ${session.currency} wallet`);
  return { code: ResultCode.OK, message: 'OK', balance };
}

export function betInEitherMode(deps: ProviderCallDeps, input: BetInput, amount: Minor): Promise<MoneyAnswer> {
  return input.session.operatorMode === 'seamless'
    ? placeSeamlessBet(deps.seamless, input, amount)
    : placeBet(deps.ledger, input, amount);
}

export function winInEitherMode(
  deps: ProviderCallDeps,
  input: WinInput,
  amount: Minor,
  roundClosed: boolean,
): Promise<MoneyAnswer> {
  return input.session.operatorMode === 'seamless'
    ? recordSeamlessCredit(deps.seamless, winCommand(input, amount, roundClosed), decideWin(input, amount, roundClosed))
    : settleWin(deps.ledger, input, amount, roundClosed);
}

export function rollbackInEitherMode(deps: ProviderCallDeps, input: RollbackInput): Promise<MoneyAnswer> {
  return input.session.operatorMode === 'seamless'
    ? recordSeamlessCredit(deps.seamless, rollbackCommand(input), decideRollback(input))
    : rollbackBet(deps.ledger, input);
}

export function jackpotInEitherMode(
  deps: ProviderCallDeps,
  input: JackpotInput,
  amount: Minor,
  jackpotId: string,
): Promise<MoneyAnswer> {
  return input.session.operatorMode === 'seamless'
    ? recordSeamlessCredit(deps.seamless, jackpotCommand(input, amount, jackpotId), decideJackpot(amount))
    : payJackpot(deps.ledger, input, amount, jackpotId);
}
