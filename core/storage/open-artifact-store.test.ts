import { describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import { FileArtifactStore } from './file-artifact-store.ts';
import { joinArtifactUri, openArtifactStore } from './open-artifact-store.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';

const s3 = { endpoint: 'http://127.0.0.1:9000', accessKey: 'trainer', secretKey: 's3cret' };

describe('openArtifactStore', () => {
  it('opens a file store for file:// URIs', () => {
    const store = openArtifactStore('file:///var/lib/mur/artifacts/run-1');
    expect(store).toBeInstanceOf(FileArtifactStore);
    expect(store.baseUri).toBe('file:///var/lib/mur/artifacts/run-1/');
  });

  it('opens an S3 store for s3:// URIs', () => {
    const store = openArtifactStore('s3://artifacts/markets/btc-usdt/run-1', { s3 });
    expect(store).toBeInstanceOf(S3ArtifactStore);
    expect(store.baseUri).toBe('s3://artifacts/markets/btc-usdt/run-1/');
    expect((store as S3ArtifactStore).location).toEqual({ bucket: 'artifacts', prefix: 'markets/btc-usdt/run-1/' });
  });

  it('says which variables to set when an s3:// URI comes without settings', () => {
    expect(() => openArtifactStore('s3://artifacts/run-1/')).toThrow(
      /^artifact URI "s3:\/\/artifacts\/run-1\/" needs object storage settings: set S3_ENDPOINT .*S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/,
    );
  });

  it('refuses other schemes naming the URI', () => {
    const attempt = () => openArtifactStore('gs://artifacts/run-1/');
    expect(attempt).toThrow(BadInputError);
    expect(attempt).toThrow('artifact URI "gs://artifacts/run-1/" is not supported');
  });

  it('refuses invalid bucket names', () => {
    expect(() => openArtifactStore('s3://Artifacts_Bucket/run/', { s3 })).toThrow('valid bucket name');
    expect(() => openArtifactStore('s3:///run/', { s3 })).toThrow(BadInputError);
  });
});

describe('joinArtifactUri', () => {
  it('joins with exactly one slash and ends in a slash', () => {
    expect(joinArtifactUri('s3://artifacts/', 'markets/', '/btc-usdt', 'run-1')).toBe('s3://artifacts/markets/btc-usdt/run-1/');
    expect(joinArtifactUri('s3://artifacts//markets', 'btc-usdt//run-1')).toBe('s3://artifacts/markets/btc-usdt/run-1/');
    expect(joinArtifactUri('s3://artifacts')).toBe('s3://artifacts/');
  });

  it('keeps the absolute path of file URIs and percent-encodes their segments', () => {
    expect(joinArtifactUri('file:///data/artifacts', 'my run')).toBe('file:///data/artifacts/my%20run/');
    expect(joinArtifactUri('file:///', 'data')).toBe('file:///data/');
  });

  it('refuses dot segments and bases without a scheme', () => {
    expect(() => joinArtifactUri('s3://artifacts/', 'markets/../other')).toThrow('artifact path part ".." is not allowed');
    expect(() => joinArtifactUri('/data/artifacts', 'run')).toThrow('has no scheme');
  });
});
