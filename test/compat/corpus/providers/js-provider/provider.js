class EchoProvider {
  id() { return 'echo-js'; }
  async callApi(prompt) { return { output: 'JS says: ' + prompt }; }
}
module.exports = EchoProvider;
