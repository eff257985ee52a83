/**
 * A small Forecast CRD for the fake server's own tests: a status subresource, printer columns,
 * defaults, enum/pattern/range/length/items validation and an immutable symbol, like the real
 * ForecastModel but independent of its generated schema.
 */
export function sampleForecastCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'forecasts.fake.makeusrich.io' },
    spec: {
      group: 'fake.makeusrich.io',
      scope: 'Namespaced',
      names: { plural: 'forecasts', singular: 'forecast', kind: 'Forecast', listKind: 'ForecastList', shortNames: ['fc'], categories: ['makeusrich'] },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Symbol', type: 'string', jsonPath: '.spec.market.symbol' },
            { name: 'Window', type: 'integer', jsonPath: '.spec.model.window' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['market'],
                  properties: {
                    market: {
                      type: 'object',
                      required: ['exchange', 'symbol'],
                      properties: {
                        exchange: { type: 'string', minLength: 2, maxLength: 32 },
                        symbol: {
                          type: 'string',
                          pattern: '^[A-Z0-9]+/[A-Z0-9]+$',
                          'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'symbol is immutable' }],
                        },
                      },
                    },
                    model: {
                      type: 'object',
                      default: {},
                      properties: {
                        window: { type: 'integer', minimum: 8, maximum: 2000, default: 72 },
                        horizon: { type: 'integer', minimum: 1, default: 24 },
                        quantiles: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'number' }, default: [0.1, 0.5, 0.9] },
                      },
                    },
                    promotion: {
                      type: 'object',
                      properties: { policy: { type: 'string', enum: ['Always', 'BeatBaseline', 'Manual'], default: 'BeatBaseline' } },
                    },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    observedGeneration: { type: 'integer' },
                    conditions: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['type', 'status'],
                        properties: { type: { type: 'string' }, status: { type: 'string', enum: ['True', 'False', 'Unknown'] }, reason: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}
