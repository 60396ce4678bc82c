/**
 * A webpack loader that makes "the next version" of danvan's workflow code for the rolling-upgrade suite
 * (rolling-upgrade.test.ts), in the bundle only: workflows/node.ts's changed(), which every state change of a node
 * goes through, gains a branch behind patched(marker). The branch adds no command, so a worker still on the old code
 * can replay a history the new code wrote (it skips the patch marker), as a rolling upgrade needs. It fails the build
 * when the source no longer has the lines it edits, rather than bundle an unchanged copy.
 */
module.exports = function upgradeLoader(source) {
  const { marker } = this.getOptions();
  const importLine = "import { patched, upsertSearchAttributes } from '@temporalio/workflow';";
  const changed = '  private changed(): void {\n';
  if (!source.includes(importLine) || !source.includes(changed)) {
    throw new Error(`upgrade-loader: ${this.resourcePath} no longer has "${importLine}" and "${changed.trim()}"; update the loader to the new source`);
  }
  return source
    .replace(importLine, "import { log, patched, upsertSearchAttributes } from '@temporalio/workflow';")
    .replace(changed, `${changed}    if (patched(${JSON.stringify(marker)})) log.debug('a state change under the upgraded workflow code');\n`);
};
