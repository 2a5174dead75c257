// What the aggregator's availability controller (controllers/apiservices) and its proxy
// (http/aggregation) tell each other about an APIService served by another server. It lives here
// because neither layer may import the other; main's composition root joins them.

export interface AggregatedApiTarget {
  /** The APIService's name, "<version>.<group>". */
  name: string;
  group: string;
  version: string;
  groupPriorityMinimum: number;
  versionPriority: number;
  available: boolean;
  /** A ready endpoint of the Service's port; absent when there is none. */
  endpoint?: { host: string; port: number };
  tls: {
    /** PEM, decoded from spec.caBundle. */
    caBundle?: string;
    insecureSkipTLSVerify: boolean;
    /** The name the backend's certificate must hold: "<service>.<namespace>.svc". */
    serverName: string;
  };
}

/** What the availability controller needs of the proxy. */
export interface AggregationBackend {
  /** The discovery check: undefined when the backend answered 2xx, else why not (the condition's message). */
  probe(target: AggregatedApiTarget): Promise<string | undefined>;
  /** Requests for the target's group-version go (or, unavailable, are refused) as it says from now on. */
  publish(target: AggregatedApiTarget): void;
  withdraw(name: string): void;
  /** `fn` is called with an APIService's name when a proxied request could not reach its backend. */
  onUnreachable(fn: (name: string) => void): void;
}
