module.exports = async function ({ vars }) {
  return [
    { role: 'system', content: 'You are a geology teacher.' },
    { role: 'user', content: `Teach me about ${vars.topic} in two sentences.` },
  ];
};
