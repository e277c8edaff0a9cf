module.exports.short = ({ vars }) => `One line on ${vars.topic}.`;
module.exports.long = ({ vars }) => `A paragraph on ${vars.topic}.`;
