import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/**
 * A CPU amount as a Kubernetes quantity (`100m`, `2`).
 *
 * @internal
 */
export function cpuQuantity(cpu: kplus.Cpu): string {
  return cpu.amount;
}

/**
 * A memory size as a Kubernetes quantity, in the largest binary unit that keeps it whole (`1Gi`, `128Mi`).
 *
 * @internal
 */
export function memoryQuantity(size: Size): string {
  const mebibytes = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mebibytes)) {
    return `${Math.ceil(size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }))}Ki`;
  }
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${mebibytes}Mi`;
}
