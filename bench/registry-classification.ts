// Accuracy of the registry classification on the labelled evaluation set (test/fixtures/rpsl/evaluation):
// `npx tsx bench/registry-classification.ts` prints precision and recall per class, the confusion matrix
// and the misclassified objects with their evidence; bench/run.ts prints the same. Nothing is asserted:
// the goals (business precision ≥ 95 %, overall accuracy ≥ 85 %) are read off the output.
import { pathToFileURL } from 'node:url';
import { CLASSIFICATIONS, type Classification } from '../lambdas/shared/enrichment/classify.js';
import { RegistryCollector } from '../tools/mmdb-builder/rpsl/registry-collector.js';
import { resolveRegistryNetworks } from '../tools/mmdb-builder/rpsl/registry-records.js';
import { RpslObjectParser } from '../tools/mmdb-builder/rpsl/rpsl-objects.js';
import { textLines } from '../tools/mmdb-builder/rpsl/rpsl-lines.js';
import { rpslFixture } from '../test/support/repo-paths.js';
import { renderTable } from './support/table.js';

const EVALUATION_FILES = ['evaluation/networks.db', 'evaluation/organisations.db'];
const LABEL = /^label:\s*(\S+)$/;

export interface ClassScore {
  readonly classification: Classification;
  readonly labelled: number;
  readonly predicted: number;
  readonly correct: number;
  readonly precision: number | null;
  readonly recall: number | null;
}

export interface RegistryEvaluation {
  readonly objects: number;
  readonly accuracy: number;
  readonly businessPrecision: number | null;
  readonly perClass: readonly ClassScore[];
  /** confusion[labelled][predicted] = count. */
  readonly confusion: Readonly<Record<Classification, Readonly<Record<Classification, number>>>>;
  readonly mistakes: readonly { readonly netname: string; readonly labelled: Classification; readonly predicted: Classification; readonly evidence: string }[];
}

/** The labels of the network objects, in file order (the order the collector numbers them). */
async function labelsOf(file: string): Promise<Array<{ netname: string; label: Classification }>> {
  const parser = new RpslObjectParser();
  const labels: Array<{ netname: string; label: Classification }> = [];
  const take = (parsed: ReturnType<RpslObjectParser['line']>) => {
    if (!parsed || !('object' in parsed)) return;
    const { object } = parsed;
    if (object.type !== 'inetnum' && object.type !== 'inet6num') return;
    const label = object.attributes.map(([name, value]) => (name === 'remarks' ? LABEL.exec(value)?.[1] : undefined)).find((value) => value);
    const known = CLASSIFICATIONS.find((classification) => classification === label);
    if (!known) throw new Error(`${file}:${object.line}: a network without a known "remarks: label: <class>"`);
    labels.push({ netname: object.attributes.find(([name]) => name === 'netname')?.[1] ?? '?', label: known });
  };
  for await (const lines of textLines(file)) for (const line of lines) take(parser.line(line));
  take(parser.end());
  return labels;
}

export async function evaluateRegistryClassification(): Promise<RegistryEvaluation> {
  const files = EVALUATION_FILES.map(rpslFixture);
  const labels = await labelsOf(files[0]!);
  const collector = new RegistryCollector();
  for (const file of files) await collector.read(file);
  if (collector.networks.length !== labels.length) throw new Error('the evaluation set has malformed network objects');

  const zeroRow = () => Object.fromEntries(CLASSIFICATIONS.map((c) => [c, 0])) as Record<Classification, number>;
  const confusion = Object.fromEntries(CLASSIFICATIONS.map((c) => [c, zeroRow()])) as Record<Classification, Record<Classification, number>>;
  const mistakes: Array<RegistryEvaluation['mistakes'][number]> = [];
  resolveRegistryNetworks(collector, ({ row, verdict }) => {
    const { netname, label } = labels[row]!;
    confusion[label][verdict.classification]++;
    if (label !== verdict.classification) mistakes.push({ netname, labelled: label, predicted: verdict.classification, evidence: verdict.evidence });
  });

  const perClass = CLASSIFICATIONS.map((classification): ClassScore => {
    const labelled = CLASSIFICATIONS.reduce((sum, predicted) => sum + confusion[classification][predicted], 0);
    const predicted = CLASSIFICATIONS.reduce((sum, actual) => sum + confusion[actual][classification], 0);
    const correct = confusion[classification][classification];
    return { classification, labelled, predicted, correct, precision: predicted ? correct / predicted : null, recall: labelled ? correct / labelled : null };
  });
  const correct = perClass.reduce((sum, score) => sum + score.correct, 0);
  return {
    objects: labels.length,
    accuracy: correct / labels.length,
    businessPrecision: perClass.find((score) => score.classification === 'business')!.precision,
    perClass,
    confusion,
    mistakes,
  };
}

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)} %`);

export function renderRegistryEvaluation(evaluation: RegistryEvaluation): string {
  const classes = evaluation.perClass.filter((score) => score.labelled > 0 || score.predicted > 0);
  const names = classes.map((score) => score.classification);
  const goal = (value: number | null, target: number) => (value !== null && value >= target ? 'met' : 'missed');
  return [
    `Registry classification on the evaluation set (${evaluation.objects} labelled network objects)`,
    `  overall accuracy    ${percent(evaluation.accuracy)}   (goal ≥ 85 %: ${goal(evaluation.accuracy, 0.85)})`,
    `  business precision  ${percent(evaluation.businessPrecision)}   (goal ≥ 95 %: ${goal(evaluation.businessPrecision, 0.95)})`,
    '',
    renderTable(
      ['class', 'labelled', 'predicted', 'correct', 'precision', 'recall'],
      classes.map((score) => ({
        cells: [score.classification, String(score.labelled), String(score.predicted), String(score.correct), percent(score.precision), percent(score.recall)],
      })),
    ),
    '',
    'Confusion matrix (rows: label, columns: classification)',
    renderTable(['label \\ classified', ...names], names.map((label) => ({ cells: [label, ...names.map((predicted) => String(evaluation.confusion[label][predicted]))] }))),
    '',
    `Misclassified (${evaluation.mistakes.length}):`,
    ...evaluation.mistakes.map((m) => `  ${m.netname.padEnd(28)} labelled ${m.labelled.padEnd(11)} classified ${m.predicted.padEnd(11)} ${m.evidence}`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(renderRegistryEvaluation(await evaluateRegistryClassification()));
}
