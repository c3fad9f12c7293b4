import { defaultTaxonomy } from '@radar/core';
import { classify } from './classify';

/**
 * Vocabulary regression probes: short texts written by the team (not copied from any source) in
 * the style of agency releases, trade press and news, one or more per sub-sector, plus look-alike
 * negatives. A vocabulary or scoring change that breaks one of these fails here.
 */
const POSITIVE: [string, string, string][] = [
  [
    'advanced-bulk-materials',
    'Commerce raises Section 232 duties on aluminum and steel derivatives',
    'The proclamation expands tariffs to derivative products and tightens melted and poured rules for steel imports.',
  ],
  [
    'advanced-bulk-materials',
    'Titanium sponge plant restart backed by Pentagon',
    'The Defense Department will fund restart of domestic titanium sponge production for aerospace alloys.',
  ],
  [
    'advanced-bulk-materials',
    'Nucor to build new rebar micro mill',
    'The steelmaker said the mill will add 650,000 tons of domestic steel capacity.',
  ],
  [
    'advanced-bulk-materials',
    'Navy funds new large forgings press for submarine castings',
    'The Navy invested in casting and forging capacity at a Pennsylvania supplier.',
  ],
  [
    'nanomaterials-microelectronics',
    'CHIPS office awards advanced packaging research funds',
    'The National Advanced Packaging Manufacturing Program will fund substrate and chiplet assembly prototypes.',
  ],
  [
    'nanomaterials-microelectronics',
    'Graphene producer opens Ohio plant',
    'The company makes graphene nanoplatelets and carbon nanotube additives for batteries and coatings.',
  ],
  [
    'nanomaterials-microelectronics',
    'Printed circuit board makers seek domestic support',
    'Lawmakers introduced a bill to give PCB manufacturers a tax credit, saying the US makes only a small share of circuit boards.',
  ],
  [
    'critical-minerals-mining-processing',
    'Interior approves antimony mine in Idaho',
    'The Forest Service issued a record of decision for the Stibnite gold and antimony project.',
  ],
  [
    'critical-minerals-mining-processing',
    'Pentagon takes equity stake in rare earth magnet maker',
    'The Defense Department agreed a price floor for NdPr oxide and offtake for magnets.',
  ],
  [
    'critical-minerals-mining-processing',
    'China restricts exports of gallium and germanium',
    'MOFCOM said exports of the critical minerals will need licenses; US buyers face shortages.',
  ],
  [
    'critical-minerals-mining-processing',
    'DOE loan for lithium processing plant',
    'The Loan Programs Office offered a loan for a lithium hydroxide refinery in Nevada.',
  ],
  [
    'pharmaceutical-precursors',
    'Generic drugmakers warn of API reliance on China',
    'Most active pharmaceutical ingredients for US generics are made in India and China, a report found.',
  ],
  [
    'pharmaceutical-precursors',
    'FDA launches PreCheck to speed new drug plants',
    'The program aims to onshore pharmaceutical manufacturing and key starting materials production.',
  ],
  [
    'pharmaceutical-precursors',
    'Tariffs on branded pharmaceuticals announced',
    'The administration will impose 100% tariffs on imported pharmaceutical products unless companies build plants in the US.',
  ],
  [
    'robotics',
    'Humanoid robot startup raises $500 million',
    'The company will build humanoid robots for warehouse and factory work in Texas.',
  ],
  [
    'robotics',
    'Robot orders rise as automakers automate',
    'Industrial robot shipments to North American factories climbed, the Association for Advancing Automation said.',
  ],
  [
    'robotics',
    'Machine tool builders urge tariffs',
    'CNC machine tools imports hurt domestic builders, the trade group said.',
  ],
  [
    'shipbuilding',
    'Navy awards frigate contract to Wisconsin yard',
    'The Constellation-class frigate program faces delays at the shipyard.',
  ],
  [
    'shipbuilding',
    'Korean shipbuilder to invest in US yards',
    'Hanwha will expand the Philly Shipyard to build LNG carriers and naval ships.',
  ],
  [
    'shipbuilding',
    'MARAD announces Small Shipyard Grants',
    'The Maritime Administration awarded grants to 20 small shipyards for equipment and training.',
  ],
  [
    'semiconductors',
    'Intel receives CHIPS Act funding for Ohio fab',
    'Commerce finalized a grant for the semiconductor factory.',
  ],
  [
    'semiconductors',
    'BIS tightens controls on chipmaking equipment',
    'New export controls restrict sales of lithography and etch tools to Chinese fabs.',
  ],
  ['semiconductors', 'Micron breaks ground on New York memory fab', 'The DRAM plant is backed by federal incentives.'],
  [
    'data-centers',
    'Developer plans 2 GW AI campus in Texas',
    'The hyperscale data center campus will draw power from a new gas plant.',
  ],
  [
    'data-centers',
    'DOE selects national lab sites for AI data centers',
    'The Energy Department picked Idaho and Oak Ridge for private data center construction on federal land.',
  ],
  [
    'data-centers',
    'PJM proposes rules for large data center loads',
    'The grid operator wants data centers to bring their own generation.',
  ],
  [
    'command-and-control',
    'Air Force awards ABMS contracts',
    'The Advanced Battle Management System effort will connect sensors and shooters.',
  ],
  [
    'command-and-control',
    'Army tests Next Generation Command and Control with 25th Division',
    'The NGC2 prototype links data from drones and artillery.',
  ],
  [
    'command-and-control',
    'Pentagon expands Maven Smart System contract',
    "Palantir's Maven Smart System is used by combatant commands for targeting.",
  ],
  [
    'critical-defense-components',
    'Pentagon invests in second source for solid rocket motors',
    'A DPA Title III award will add a new supplier of SRMs for tactical missiles.',
  ],
  [
    'critical-defense-components',
    'GAO: defense industrial base relies on single-source suppliers',
    'Sub-tier suppliers of castings, bearings and microelectronics are fragile.',
  ],
  [
    'critical-defense-components',
    'DoD bans Chinese magnets in weapons',
    'DFARS rule restricts rare earth magnets from China in defense systems.',
  ],
  [
    'space-launch',
    'FAA clears Starship for next flight test',
    'The agency issued a license modification after the mishap investigation.',
  ],
  [
    'space-launch',
    'Space Force assigns NSSL missions to Blue Origin',
    'New Glenn joins Falcon 9 and Vulcan in National Security Space Launch Lane 1.',
  ],
  ['space-launch', 'Rocket Lab opens Neutron launch pad at Wallops', 'The medium-lift rocket will debut next year.'],
  [
    'unmanned-systems',
    'FAA proposes BVLOS rule for drones',
    'The Part 108 rule would allow beyond visual line of sight operations.',
  ],
  [
    'unmanned-systems',
    'Army buys thousands of small drones',
    'The service is fielding sUAS and FPV drones to units under a new initiative.',
  ],
  ['unmanned-systems', 'Navy tests unmanned surface vessels', 'Medium USVs sailed with the fleet in the Pacific.'],
  [
    'unmanned-systems',
    'Counter-drone systems deployed at border',
    'DHS fielded counter-UAS tech to stop cartel drones.',
  ],
  [
    'munitions-missiles-hypersonics',
    'Army awards contract for more GMLRS rockets',
    'Lockheed will boost production of guided rockets.',
  ],
  [
    'munitions-missiles-hypersonics',
    'Golden Dome: Pentagon seeks space-based interceptors',
    'The Missile Defense Agency issued a solicitation for interceptor prototypes.',
  ],
  [
    'munitions-missiles-hypersonics',
    'Congress approves multiyear buy of PAC-3 MSE',
    'Multiyear procurement for Patriot interceptors and SM-6 missiles passed.',
  ],
  [
    'munitions-missiles-hypersonics',
    'Hypersonic test succeeds',
    "The Navy's Conventional Prompt Strike missile flew from a launcher at Cape Canaveral.",
  ],
  [
    '6g-next-generation-connectivity',
    'FCC to auction upper C-band spectrum',
    'The commission proposed rules for a 2026 auction of mid-band spectrum for 5G and 6G.',
  ],
  [
    '6g-next-generation-connectivity',
    'NTIA funds Open RAN testbeds',
    'The Public Wireless Supply Chain Innovation Fund awarded grants for open radio access networks.',
  ],
  ['6g-next-generation-connectivity', 'Carriers outline 6G plans', 'Operators expect 6G standards from 3GPP by 2029.'],
  [
    'spacecraft',
    'SDA awards Tranche 2 tracking satellites',
    'The Space Development Agency selected vendors for missile-warning satellites in low Earth orbit.',
  ],
  [
    'spacecraft',
    'Satellite maker opens factory to build 100 spacecraft a year',
    'The company will produce satellite buses for government constellations.',
  ],
  ['spacecraft', 'Space Force buys GPS IIIF satellites', 'Lockheed will build more GPS satellites.'],
  ['secure-communications', 'NSA approves new Type 1 encryptor', 'The encryption device protects classified networks.'],
  [
    'secure-communications',
    'Space Force awards Protected Tactical SATCOM prototypes',
    'Anti-jam satellite communications for troops are the goal.',
  ],
  [
    'secure-communications',
    'FCC moves on submarine cable security',
    'The commission adopted rules barring undersea cables that land equipment from foreign adversaries.',
  ],
  [
    'mesh-networks',
    'Army picks vendors for tactical MANET radios',
    'The mobile ad hoc network radios will form a self-healing mesh for the Integrated Tactical Network.',
  ],
  [
    'mesh-networks',
    'Marines field mesh networking kits',
    'Small units get mesh radios that keep working when links are jammed.',
  ],
  [
    'nuclear-energy',
    'NRC approves first advanced reactor construction permit',
    'The Nuclear Regulatory Commission authorized construction of a Kairos Power test reactor.',
  ],
  [
    'nuclear-energy',
    'DOE awards HALEU enrichment contracts',
    'The Energy Department selected companies to enrich uranium to HALEU for advanced reactors.',
  ],
  [
    'nuclear-energy',
    'Utility plans small modular reactors at coal sites',
    'The SMRs would replace retiring coal units.',
  ],
  [
    'nuclear-energy',
    'Executive orders aim to quadruple nuclear power',
    'The orders direct the NRC to decide licenses within 18 months.',
  ],
  [
    'grid-resilience',
    'FERC approves transmission planning rule',
    'Order No. 1920 requires long-term regional transmission planning.',
  ],
  [
    'grid-resilience',
    'DOE uses emergency powers to keep coal plant open',
    'The 202(c) order cites grid reliability risk this summer.',
  ],
  [
    'grid-resilience',
    'Transformer shortage slows grid projects',
    'Utilities wait three years for large power transformers.',
  ],
  [
    'grid-resilience',
    'NERC warns of elevated blackout risk',
    'The summer reliability assessment flags resource adequacy shortfalls in MISO.',
  ],
  [
    'distributed-energy',
    'California approves virtual power plant program',
    'The utility commission will pay home batteries and smart thermostats to support the grid.',
  ],
  [
    'distributed-energy',
    'Pentagon funds microgrids at bases',
    'The Energy Resilience and Conservation Investment Program will fund microgrids.',
  ],
  [
    'distributed-energy',
    'Community solar bill passes state senate',
    'The bill expands net metering for community solar.',
  ],
  [
    'battery-storage',
    'Tesla to make LFP cells in Nevada',
    'The company will produce lithium iron phosphate cells for Megapack energy storage.',
  ],
  [
    'battery-storage',
    'Treasury issues FEOC guidance for battery credits',
    'The 45X rules restrict Chinese content in battery components.',
  ],
  [
    'battery-storage',
    'Fire at battery storage facility prompts review',
    'The lithium-ion BESS fire led county officials to pause permits.',
  ],
  [
    'solar',
    'Commerce sets final duties on solar cells from Southeast Asia',
    'Antidumping rates apply to imports of crystalline silicon photovoltaic cells.',
  ],
  [
    'solar',
    'Treasury tightens start-of-construction rules for wind and solar',
    'The guidance limits the safe harbor for solar projects.',
  ],
  ['solar', 'Solar panel factory opens in Georgia', 'The plant will make modules from US cells.'],
  [
    'cybersecurity',
    'CISA orders agencies to patch exploited flaw',
    'The emergency directive covers a zero-day in VPN appliances.',
  ],
  ['cybersecurity', 'Pentagon finalizes CMMC rule', 'Defense contractors must certify cybersecurity practices.'],
  [
    'cybersecurity',
    'Ransomware attack shuts hospital systems',
    'Hackers encrypted patient records; the FBI is investigating.',
  ],
  [
    'quantum-computing',
    'DARPA picks firms for Quantum Benchmarking Initiative',
    'The agency will test whether utility-scale quantum computers are feasible.',
  ],
  [
    'quantum-computing',
    'NIST releases post-quantum encryption standards',
    'FIPS 203, 204 and 205 define ML-KEM and ML-DSA algorithms.',
  ],
  ['quantum-computing', 'IBM unveils new quantum processor', 'The chip has more qubits and better error correction.'],
  [
    'artificial-intelligence',
    'White House issues AI Action Plan',
    'The plan calls for faster permitting of AI infrastructure and limits on state AI regulation.',
  ],
  [
    'artificial-intelligence',
    'OMB memo sets rules for agency AI use',
    'Agencies must inventory AI use cases and manage risks of generative AI.',
  ],
  [
    'artificial-intelligence',
    'Anthropic raises $13 billion',
    'The frontier AI lab will expand training of large language models.',
  ],
  [
    'edge-computing',
    'Army wants edge computing for tactical units',
    'Ruggedized servers will run AI at the tactical edge in DDIL environments.',
  ],
  [
    'edge-computing',
    'Carrier launches multi-access edge computing service',
    'MEC nodes cut latency for industrial customers.',
  ],
  [
    'sensor-hardware',
    'Lawmakers move to ban Chinese lidar',
    'The bill would bar federal funds for lidar sensors from Hesai.',
  ],
  ['sensor-hardware', 'Navy awards radar contract', 'The AESA radar will equip new destroyers.'],
  [
    'sensor-hardware',
    'Startup builds quantum magnetometers for navigation',
    'The sensors offer alternative PNT when GPS is jammed.',
  ],
  [
    'sensor-hardware',
    'Infrared sensor maker expands',
    'The company makes focal plane arrays for missile seekers and night vision.',
  ],
  [
    'advanced-bulk-materials',
    'Hexcel expands carbon fiber line for defense programs',
    'The new line will supply composite materials for aircraft and missiles.',
  ],
  [
    'advanced-bulk-materials',
    'Aluminum smelter in Kentucky to restart',
    'Century said power costs had fallen enough to bring potlines back online.',
  ],
  [
    'advanced-bulk-materials',
    'Specialty metals producer wins Navy deal',
    'ATI will supply nickel-based superalloys and titanium plate for submarines.',
  ],
  [
    'nanomaterials-microelectronics',
    'Substrate shortage hits chip packaging',
    'ABF substrate supply is tight as AI demand rises; US firms seek domestic OSAT capacity.',
  ],
  [
    'nanomaterials-microelectronics',
    'SiC wafer maker gets federal incentive',
    'The company will expand silicon carbide substrate production in North Carolina.',
  ],
  [
    'nanomaterials-microelectronics',
    'DoD funds hubs under Microelectronics Commons',
    'Eight regional hubs will prototype microelectronics for defense.',
  ],
  [
    'critical-minerals-mining-processing',
    'Graphite project wins DOE loan',
    'The loan supports a natural graphite mine and anode plant in Alaska.',
  ],
  [
    'critical-minerals-mining-processing',
    'USGS adds copper and silver to critical minerals list',
    'The final 2025 list includes 60 minerals.',
  ],
  [
    'critical-minerals-mining-processing',
    'Rare earth separation plant opens in Texas',
    'The facility will separate heavy rare earths for magnets.',
  ],
  [
    'pharmaceutical-precursors',
    'Drug shortage of sterile injectables worsens',
    'Hospitals report shortages of chemotherapy drugs made by a few generic manufacturers.',
  ],
  [
    'pharmaceutical-precursors',
    'HHS awards contract for domestic antibiotic production',
    'The award supports key starting materials and API for amoxicillin.',
  ],
  ['robotics', 'Amazon deploys its millionth warehouse robot', "The company's robotics fleet handles most packages."],
  [
    'robotics',
    'Commerce opens Section 232 probe of robotics imports',
    'The investigation covers industrial robots and machinery.',
  ],
  [
    'shipbuilding',
    'GAO: Navy shipbuilding programs years late',
    'Columbia-class and frigate programs face delays at shipyards struggling with workforce.',
  ],
  [
    'shipbuilding',
    'House passes SHIPS for America Act',
    'The bill would rebuild the US commercial fleet and shipyards.',
  ],
  ['semiconductors', 'TSMC Arizona starts 4nm production', 'The fab began volume production with CHIPS Act support.'],
  [
    'semiconductors',
    'Nvidia H20 exports to China require license',
    'Commerce told Nvidia that chip exports to China need licenses.',
  ],
  [
    'data-centers',
    'Meta plans gigawatt data center in Louisiana',
    'The campus will need new gas plants and transmission.',
  ],
  [
    'data-centers',
    'Texas law lets grid operator cut power to data centers',
    'SB 6 requires large loads to curtail during emergencies.',
  ],
  [
    'command-and-control',
    'Army awards Palantir enterprise agreement',
    'The deal consolidates software contracts including Maven and command-and-control tools.',
  ],
  [
    'command-and-control',
    'Space Force seeks battle management software',
    'The service wants C2 software for space domain operations.',
  ],
  [
    'critical-defense-components',
    'Pentagon report flags single points of failure in weapons supply chain',
    'Castings, forgings, microelectronics and energetics are the weakest links in the defense industrial base.',
  ],
  [
    'critical-defense-components',
    'DPA Title III award boosts bearings production',
    'The Defense Department invested in a domestic supplier of precision bearings for missiles.',
  ],
  [
    'space-launch',
    'ULA Vulcan certified for national security missions',
    'The Space Force certified the rocket for NSSL launches.',
  ],
  [
    'space-launch',
    'FAA streamlines launch licensing rules',
    'The agency proposed changes to Part 450 to speed commercial launches.',
  ],
  [
    'unmanned-systems',
    'Pentagon memo orders drone buying spree',
    'Hegseth directed services to field small drones at every squad.',
  ],
  [
    'unmanned-systems',
    'Commerce proposes restrictions on Chinese drones',
    'The ICTS rule could bar DJI aircraft from the US market.',
  ],
  [
    'munitions-missiles-hypersonics',
    'Raytheon to double Stinger production',
    'The Army contract adds capacity for missiles sent to Ukraine.',
  ],
  [
    'munitions-missiles-hypersonics',
    'New TNT plant planned in Kentucky',
    'The Army will build the first domestic TNT facility in decades.',
  ],
  [
    '6g-next-generation-connectivity',
    'DoD and carriers agree on spectrum sharing in 3.1-3.45 GHz',
    'The deal opens the lower 3 GHz band for commercial 5G.',
  ],
  [
    '6g-next-generation-connectivity',
    'FCC regains spectrum auction authority',
    "Congress restored the FCC's auction authority in the reconciliation bill.",
  ],
  ['spacecraft', 'Space Force awards contracts for GPS satellites', 'New satellites will resist jamming.'],
  ['spacecraft', 'NASA picks lunar lander for Artemis', "The spacecraft will carry astronauts to the Moon's surface."],
  [
    'secure-communications',
    'DISA awards contract for encrypted mobile devices',
    'The secure phones use NSA-approved CSfC layers.',
  ],
  [
    'secure-communications',
    'Senators press FCC on Salt Typhoon telecom hacks',
    'Chinese hackers accessed wiretap systems at carriers.',
  ],
  ['mesh-networks', 'SOCOM buys Silvus radios', 'The MANET radios link drones and operators.'],
  [
    'mesh-networks',
    'Army tests resilient tactical network with drones as relays',
    'Aerial nodes extended the mesh network beyond line of sight.',
  ],
  [
    'nuclear-energy',
    'TVA applies for SMR construction permit',
    'The utility seeks NRC approval for a BWRX-300 at Clinch River.',
  ],
  [
    'nuclear-energy',
    'Palisades restart cleared by NRC',
    'The plant is the first US reactor to return from decommissioning.',
  ],
  ['nuclear-energy', 'Centrus expands enrichment in Ohio', 'The company will produce LEU and HALEU for reactors.'],
  [
    'grid-resilience',
    'DOE announces $2 billion for transmission lines',
    'The Grid Resilience and Innovation Partnerships program selected projects.',
  ],
  [
    'grid-resilience',
    'Winter storm pushes ERCOT to the brink',
    'The grid operator called for conservation as demand hit records.',
  ],
  [
    'distributed-energy',
    'FERC Order 2222 compliance filings approved',
    'RTOs must let DER aggregations bid into markets.',
  ],
  [
    'distributed-energy',
    'Microgrid keeps hospital running during hurricane',
    'Solar and batteries islanded the facility when the grid failed.',
  ],
  [
    'battery-storage',
    'Utility-scale storage installations hit record',
    'Developers added 10 GW of battery storage in 2025.',
  ],
  [
    'battery-storage',
    'Sodium-ion battery maker picks Michigan site',
    'The gigafactory will make cells for grid storage.',
  ],
  [
    'solar',
    'IRS issues guidance on solar tax credit phaseout',
    'Projects must begin construction by July 2026 under the One Big Beautiful Bill.',
  ],
  [
    'solar',
    'Polysilicon plant in Michigan to supply US solar makers',
    'Hemlock will expand polysilicon output for domestic wafers.',
  ],
  [
    'cybersecurity',
    'SEC adopts cyber incident disclosure rules',
    'Public companies must report material cybersecurity incidents within four days.',
  ],
  [
    'cybersecurity',
    'Volt Typhoon hackers hid in utility networks',
    'CISA said Chinese state hackers pre-positioned in critical infrastructure.',
  ],
  [
    'quantum-computing',
    'Congress moves to reauthorize National Quantum Initiative',
    'The bill funds quantum research at DOE and NSF.',
  ],
  [
    'quantum-computing',
    'Quantum startup raises $1 billion',
    'PsiQuantum will build a utility-scale quantum computer in Chicago.',
  ],
  [
    'artificial-intelligence',
    'Senate strips state AI moratorium from bill',
    'Lawmakers voted to drop a 10-year ban on state AI regulation.',
  ],
  [
    'artificial-intelligence',
    'Commerce rescinds AI diffusion rule',
    'The export framework for AI chips and model weights will be replaced.',
  ],
  [
    'edge-computing',
    'Satellite firm tests orbital edge computing',
    'Onboard processing lets satellites run AI models in orbit.',
  ],
  [
    'edge-computing',
    'Ruggedized edge servers for forward operating bases',
    'The Marines will buy edge compute nodes that work disconnected from the cloud.',
  ],
  ['sensor-hardware', 'Space Force buys missile-warning infrared sensors', 'The payloads use new focal plane arrays.'],
  [
    'sensor-hardware',
    'DOT to test GPS backup technologies',
    'The department evaluated complementary PNT systems including eLoran and LEO timing.',
  ],
];

const NEGATIVE: [string, string][] = [
  [
    'Bitcoin miners shut rigs as power prices spike',
    'Texas crypto miners curtailed operations; hash rate fell and the mining pool reported lower rewards.',
  ],
  ['Top 5 robo-advisors for 2026', 'Compare robo-advisor fees, minimums and portfolio options.'],
  [
    'Fentanyl precursor shipments seized at port',
    'CBP officers seized precursor chemicals bound for cartel labs; traffickers face charges.',
  ],
  ['Holiday shipping deadlines for UPS, FedEx and USPS', 'Order by Dec. 15 to get free shipping before Christmas.'],
  [
    'Is sunscreen with nanoparticles safe for kids?',
    'Dermatologists say zinc oxide nanoparticles in sunscreen are not absorbed by skin.',
  ],
  ['Best drones under $100 for beginners', 'These toy drones have cameras and are great gifts for kids.'],
  [
    'How to watch the solar eclipse safely',
    'Use certified eclipse glasses; never look at the sun during the partial phases.',
  ],
  ['Police: man charged with assault and battery', 'The suspect was arrested after a fight outside a bar.'],
  [
    'Why your phone battery drains so fast',
    'Background apps and screen brightness are the main culprits for poor battery life.',
  ],
  [
    'Quarterback throws missile for game-winning touchdown',
    'The NFL star launched a 60-yard bomb in the final seconds.',
  ],
  ['Houston Rockets beat Lakers', 'The Rockets rallied in the fourth quarter.'],
  [
    'Lithium and bipolar disorder: what patients should know',
    'Psychiatrists say lithium remains a first-line mood stabilizer; dose monitoring matters.',
  ],
  [
    'Iran expands uranium enrichment, IAEA says',
    'Tehran now has more weapons-grade material; talks on the nuclear program stalled.',
  ],
  ['Data mining tips for marketers', 'Use data mining to segment customers and predict churn.'],
  ['Senate goes nuclear on judicial nominees', 'Republicans invoked the nuclear option to change floor rules.'],
  ['Quantum leap for the local bakery', "The bakery's new oven is a quantum leap in productivity."],
  ['Cutting-edge kitchen gadgets for 2026', 'These smart appliances give home cooks an edge.'],
  ['Grid puzzle solutions for Sunday', 'Fill the grid so each row contains the digits 1 to 9.'],
  ['Blue-chip stocks rally', 'Blue chip shares led the Dow higher as chip stocks lagged.'],
  ['Recipe: potato chips at home', 'Slice potatoes thin and fry for crispy chips.'],
  ['Satellite radio subscriptions rise', 'SiriusXM added subscribers to its satellite radio service.'],
  ['Product launch: new running shoes', 'The brand will launch its lightest shoe next month.'],
  ['Transformers movie sequel announced', 'The studio confirmed another Transformers film.'],
  ['Cloud outage disrupts streaming', 'A cloud provider outage took down several apps.'],
  ['New smartwatch tracks heart rate with better sensors', 'The wearable adds a blood oxygen sensor.'],
  [
    'Stock market: steel stocks fall on weak earnings',
    'Shares of steel companies fell after quarterly earnings missed estimates.',
  ],
  [
    'Drug prices: Medicare negotiation round two',
    'CMS announced negotiated prices for 15 drugs; pharmaceutical companies object.',
  ],
  ['Gold prices hit record as miners rally', 'Gold mining shares surged; ounces produced rose at major gold miners.'],
  ['Mesh Wi-Fi routers reviewed', 'The eero and Orbi mesh router systems cover large homes.'],
  ['Best solar chargers for camping', 'A foldable solar panel charger keeps your phone topped up on the trail.'],
  ['Cruise lines report record bookings', 'Carnival and Royal Caribbean added ships to their fleets.'],
  [
    'The edge of the universe',
    'Astronomers using the telescope saw a distant galaxy at the edge of the observable universe.',
  ],
  ['Company launches AI-powered toothbrush', 'The toothbrush uses AI to coach brushing habits.'],
  ['Radar gun catches speeders', 'Police used a radar gun on the highway.'],
  ['Hunters stock up on ammunition before season', 'Gun shops report strong ammunition sales ahead of hunting season.'],
];

describe('vocabulary probes', () => {
  it('cover every sub-sector', () => {
    const covered = new Set(POSITIVE.map(([id]) => id));
    expect(
      defaultTaxonomy()
        .subSectors.filter((s) => !covered.has(s.id))
        .map((s) => s.id),
    ).toEqual([]);
  });

  it.each(POSITIVE)('%s: %s', (id, title, body) => {
    const c = classify({ title, body });
    expect(c.subSectors.map((s) => s.id)).toContain(id);
  });

  it.each(NEGATIVE)('no sub-sector: %s', (title, body) => {
    expect(classify({ title, body }).subSectors).toEqual([]);
  });
});

describe('policy-action probes', () => {
  const action: [string, string][] = [
    ['Commerce raises Section 232 duties on aluminum and steel derivatives', 'The proclamation expands tariffs.'],
    ['Navy awards frigate contract to Wisconsin yard', ''],
    ['Interior approves antimony mine in Idaho', 'The Forest Service issued a record of decision.'],
    ['FAA proposes BVLOS rule for drones', ''],
    ['House passes SHIPS for America Act', ''],
    ['SEC adopts cyber incident disclosure rules', ''],
    ['Commerce rescinds AI diffusion rule', ''],
    ['Palisades restart cleared by NRC', ''],
    ['Army buys thousands of small drones', ''],
  ];
  const noAction: [string, string][] = [
    ['Solar panel factory opens in Georgia', 'The plant will make modules from US cells.'],
    ['Humanoid robot startup raises $500 million', ''],
    ['Machine tool builders urge tariffs', 'The trade group wants protection from imports.'],
    ['US government urged to ban Chinese lidar', 'A think tank said the government should ban the sensors.'],
    ['Plant restart possible if regulators approve', 'The owner hopes to restart in 2027.'],
  ];
  it.each(action)('action: %s', (title, body) => {
    expect(classify({ title, body }).policyAction).toBe(true);
  });
  it.each(noAction)('no action: %s', (title, body) => {
    expect(classify({ title, body }).policyAction).toBe(false);
  });
});
