/** A real three-master Redis Cluster on free loopback ports (see redis-cluster.mjs). */
export interface RunningRedisCluster {
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` */
  url: string
  /** `host:port` of each master. */
  nodes: string[]
  /** Kills one master: its slots are unserved until {@link RunningRedisCluster.startNode}. */
  stopNode(index: number): Promise<void>
  /** Starts a stopped master again on its port (with its slots, without its data); with every master up, waits for cluster_state:ok. */
  startNode(index: number): Promise<void>
  /** How many keys each master holds (DBSIZE), in the order of `nodes`. */
  dbSizes(): Promise<number[]>
  /** Empties every master. */
  flushAll(): Promise<void>
  /** Kills every master and removes their folder. */
  stop(): Promise<void>
}

export function startRedisCluster(): Promise<RunningRedisCluster>
