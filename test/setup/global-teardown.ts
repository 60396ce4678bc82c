import { stackDown, type StackLayout } from '../../stack/stack';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__danvanTestStack as { layout: StackLayout; started: Parameters<typeof stackDown>[1] } | undefined;
  if (stack && stack.started && stack.started.length > 0) await stackDown(stack.layout, stack.started);
}
