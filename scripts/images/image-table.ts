/**
 * The images `npm run images:verify` builds and starts: one row per target of the root Dockerfile. When a target is
 * renamed, the Dockerfile gains a base-image ARG or an entrypoint needs other settings, this table is the one place
 * to change.
 */

/** Which local stand-in replaces a base image: a bare Debian root, or the same root with Node and npm. */
export type StandInKind = 'os' | 'node';

/** Something a smoke check mounts into the container; the verify run prepares each one once. */
export type Fixture =
  /** A small hourly candle CSV at /data/candles.csv (read-only). */
  | 'candles'
  /** A writable folder at /models/: the trainer's artifact lands there, and the server serves it. */
  | 'model'
  /** A kubeconfig at /kube/config naming a closed loopback port, so no real cluster is touched. */
  | 'kubeconfig';

/** Run the image's entrypoint to completion with these arguments; it must exit 0. */
export interface CommandSmokeCheck {
  readonly kind: 'commands';
  readonly fixtures: readonly Fixture[];
  readonly env: Readonly<Record<string, string>>;
  readonly runs: readonly (readonly string[])[];
  /** Files (container paths under a fixture mount) that must exist after the runs. */
  readonly expectFiles: readonly string[];
}

/** Start the entrypoint as a server on a free loopback port and wait for each path to answer its status. */
export interface HttpSmokeCheck {
  readonly kind: 'http';
  readonly fixtures: readonly Fixture[];
  readonly env: Readonly<Record<string, string>>;
  /** The variable the entrypoint reads its listening port from. */
  readonly portEnv: string;
  readonly expect: Readonly<Record<string, number>>;
}

/** How an image proves that it starts. */
export type SmokeCheck = CommandSmokeCheck | HttpSmokeCheck;

/** One image: its Dockerfile and target, what its base images are replaced with, and how it is checked. */
export interface ImageEntry {
  readonly name: string;
  /** Relative to the repository root, which is the build context. */
  readonly dockerfile: string;
  /** The Dockerfile stage that is the image. */
  readonly target: string;
  /** The Dockerfile's base-image ARGs (their defaults name the images the stand-ins are tagged as). */
  readonly baseImageArgs: Readonly<Record<string, StandInKind>>;
  /** Build args that keep the build off downloads this machine cannot make. */
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly smoke: SmokeCheck;
}

/** The shipped images, in the order they are built and checked (the trainer first: the server serves its artifact). */
export const IMAGES: readonly ImageEntry[] = [
  {
    name: 'trainer',
    dockerfile: 'Dockerfile',
    target: 'trainer',
    baseImageArgs: { CUDA_IMAGE: 'os', NODE_IMAGE: 'node' },
    // libtensorflow's GPU build comes from Google's storage and needs CUDA: the image trains on wasm instead.
    buildArgs: { TRAINER_TENSORFLOW: 'cpu' },
    smoke: {
      kind: 'commands',
      fixtures: ['candles', 'model'],
      env: { MUR_TERMINATION_MESSAGE_PATH: '/models/termination-log' },
      runs: [
        ['--help'],
        ['--data', '/data/candles.csv', '--epochs', '1', '--window', '24', '--horizon', '4', '--units', '8', '--artifact', 'file:///models/'],
      ],
      expectFiles: ['/models/manifest.json', '/models/model.onnx'],
    },
  },
  {
    name: 'server',
    dockerfile: 'Dockerfile',
    target: 'server',
    baseImageArgs: { NODE_IMAGE: 'node' },
    buildArgs: {},
    smoke: {
      kind: 'http',
      fixtures: ['model'],
      env: { HOST: '127.0.0.1', MODEL_URI: 'file:///models/' },
      portEnv: 'PORT',
      // Ready means the trainer's artifact loaded into ONNX Runtime inside the image.
      expect: { '/healthz': 200, '/readyz': 200 },
    },
  },
  {
    name: 'operator',
    dockerfile: 'Dockerfile',
    target: 'operator',
    baseImageArgs: { NODE_IMAGE: 'node' },
    buildArgs: {},
    smoke: {
      kind: 'http',
      fixtures: ['kubeconfig'],
      env: { KUBECONFIG: '/kube/config', MUR_TRAINER_IMAGE: 'make-us-rich/trainer:verify', MUR_SERVER_IMAGE: 'make-us-rich/server:verify' },
      portEnv: 'MUR_HTTP_PORT',
      // With the API server unreachable the operator keeps campaigning for the lease: alive and ready as a standby.
      expect: { '/healthz': 200, '/readyz': 200 },
    },
  },
  {
    name: 'dashboard',
    dockerfile: 'Dockerfile',
    target: 'dashboard',
    baseImageArgs: { NODE_IMAGE: 'node' },
    buildArgs: {},
    smoke: {
      kind: 'http',
      fixtures: [],
      env: { HOST: '127.0.0.1' },
      portEnv: 'PORT',
      expect: { '/healthz': 200 },
    },
  },
];
