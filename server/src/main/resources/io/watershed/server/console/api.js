// The admin API (/api/v1), the only way the console talks to the server.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, 'cannot reach the server');
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    throw new ApiError(response.status, json.message || response.statusText);
  }
  return json;
}

/** Query string from an object, leaving out null and undefined values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

const seg = encodeURIComponent;

export const api = {
  cluster: () => request('GET', '/cluster'),
  stats: () => request('GET', '/stats'),
  topics: () => request('GET', '/topics'),
  topic: (name) => request('GET', `/topics/${seg(name)}`),
  createTopic: (name, partitions, configs) => request('POST', '/topics', { name, partitions, configs }),
  deleteTopic: (name) => request('DELETE', `/topics/${seg(name)}`),
  alterConfigs: (name, set, remove) => request('PATCH', `/topics/${seg(name)}/configs`, { set, remove }),
  browse: (topic, partition, params) =>
    request('GET', `/topics/${seg(topic)}/partitions/${partition}/records${query(params)}`),
  groups: () => request('GET', '/groups'),
  group: (id) => request('GET', `/groups/${seg(id)}`),
  streams: (params) => request('GET', `/eventstore/streams${query(params)}`),
  stream: (name, params) => request('GET', `/eventstore/streams/${seg(name)}${query(params)}`),
  subscriptions: () => request('GET', '/eventstore/subscriptions'),
  subscription: (stream, group) => request('GET', `/eventstore/subscriptions/${seg(stream)}/${seg(group)}`),
  replayParked: (stream, group) =>
    request('POST', `/eventstore/subscriptions/${seg(stream)}/${seg(group)}/replay-parked`, {}),
  kinesisStreams: () => request('GET', '/kinesis/streams'),
  kinesisStream: (name) => request('GET', `/kinesis/streams/${seg(name)}`),
};
